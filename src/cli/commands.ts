import type { Command } from 'commander';
import { registerRun } from './run.ts';

/** Every command of contract 1 registers itself here, one file each under src/cli/. */
export function registerCommands(program: Command): void {
  registerRun(program);
}
