/** `evolve report`: one self-contained HTML page of a run (registered in src/cli/report.ts). */
import { z } from 'zod';
import { buildReport, defaultReportName, writeAtomically } from '../../report/report.ts';
import { parseOptions, resolveRun, writeOutput } from '../db-option.ts';

const Options = z.object({
  db: z.string().min(1, 'needs a file name'),
  run: z.string().min(1, 'needs a run id').optional(),
  output: z.string().min(1, 'needs a file name (or - for stdout)').optional(),
});

export async function writeReport(raw: unknown): Promise<void> {
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
}
