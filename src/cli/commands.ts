import type { Command } from 'commander';
import { registerWatch } from './watch.ts';

/** Every command of contract 1 registers itself here, one file each under src/cli/. */
export function registerCommands(program: Command): void {
  registerWatch(program);
}
