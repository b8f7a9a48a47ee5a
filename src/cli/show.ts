import type { Command } from 'commander';
import { addDbOption, addVerboseOption } from './options.ts';

/** `evolve show <candidate-id> [--db <file>] [--diff] [--transcript]`: everything recorded about one candidate. */
export function registerShow(program: Command): void {
  const command = program
    .command('show')
    .description('print everything recorded about one candidate and its events')
    .argument('<candidate-id>', 'the candidate (its 8 hex digits, or an unambiguous prefix)');
  addDbOption(command);
  command
    .option('--diff', 'also print its diff against its parent (git diff in the run\'s target repository)')
    .option('--transcript', 'also print its model transcripts compactly');
  addVerboseOption(command).action(async (id: string, raw: unknown) => {
    (await import('./actions/show.ts')).showCandidate(id, raw);
  });
}
