import type { Command } from 'commander';
import { addDbOption, addRunOption, addVerboseOption } from './options.ts';

/** `evolve lineage [--db <file>] [--run <id>] [--json]`: the genealogy of a run as an indented tree or JSON. */
export function registerLineage(program: Command): void {
  const command = program
    .command('lineage')
    .description('print the genealogy of a run: one candidate per line, indented under its parent (or --json)');
  addRunOption(addDbOption(command));
  command.option('--json', 'print the run, its per-generation stats and its tree as JSON');
  addVerboseOption(command).action(async (raw: unknown) => {
    (await import('./actions/lineage.ts')).printLineage(raw);
  });
}
