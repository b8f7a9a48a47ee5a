import type { Command } from 'commander';

/** Every command of contract 1 registers itself here, one file each under src/cli/. */
export function registerCommands(program: Command): void {
  void program;
}
