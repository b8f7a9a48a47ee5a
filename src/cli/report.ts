import type { Command } from 'commander';
import { addDbOption, addRunOption, addVerboseOption } from './options.ts';

/** `evolve report [--db <file>] [--run <id>] [-o <file.html>|-]`: one self-contained HTML page of a run (contract 7). */
export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('write one self-contained HTML page of a run: lineage tree, scores, costs, every candidate and its diff');
  addRunOption(addDbOption(command));
  command.option('-o, --output <file>', 'where to write it (default evolve-report-<run>.html here; - for stdout)');
  addVerboseOption(command).action(async (raw: unknown) => {
    await (await import('./actions/report.ts')).writeReport(raw);
  });
}
