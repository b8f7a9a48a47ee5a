import type { Command } from 'commander';
import { z } from 'zod';
import { buildReport, defaultReportName, writeAtomically } from '../report/report.ts';
import { addDbOption, addRunOption, addVerboseOption, parseOptions, resolveRun, writeOutput } from './db-option.ts';

const Options = z.object({
  db: z.string().min(1, 'needs a file name'),
  run: z.string().min(1, 'needs a run id').optional(),
  output: z.string().min(1, 'needs a file name (or - for stdout)').optional(),
});

/** `evolve report [--db <file>] [--run <id>] [-o <file.html>|-]`: one self-contained HTML page of a run (contract 7). */
export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('write one self-contained HTML page of a run: lineage tree, scores, costs, every candidate and its diff');
  addRunOption(addDbOption(command));
  command.option('-o, --output <file>', 'where to write it (default evolve-report-<run>.html here; - for stdout)');
  addVerboseOption(command).action(async (raw: unknown) => {
    const opts = parseOptions(Options, raw);
    const report = await buildReport(opts.db, (store) => resolveRun(store, opts.run));
    if (opts.output === '-') {
      writeOutput(report.html);
      return;
    }
    const file = opts.output ?? defaultReportName(report.run.id);
    writeAtomically(file, report.html);
    const kb = Math.max(1, Math.round(Buffer.byteLength(report.html) / 1024));
    process.stderr.write(`evolve: wrote ${file} (run ${report.run.id}, ${report.candidates} candidate${report.candidates === 1 ? '' : 's'}, ${kb} KB)\n`);
  });
}
