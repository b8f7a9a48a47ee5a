/** `evolve export`: the genealogy for other tools (registered in src/cli/export.ts). */
import { z } from 'zod';
import { EXPORT_FORMATS, exportLineage } from '../../lineage/export.ts';
import { writeAtomically } from '../../report/report.ts';
import { lineageView, parseOptions, resolveRun, withReader, writeOutput } from '../db-option.ts';

const Options = z.object({
  format: z.enum(EXPORT_FORMATS),
  db: z.string().min(1, 'needs a file name'),
  run: z.string().min(1, 'needs a run id').optional(),
  output: z.string().min(1, 'needs a file name').optional(),
});

export function exportRun(raw: unknown): void {
  const opts = parseOptions(Options, raw);
  let text = withReader(opts.db, (store) => exportLineage(lineageView(store, resolveRun(store, opts.run)), opts.format));
  if (opts.output === undefined) {
    writeOutput(text);
    return;
  }
  if (opts.format === 'mermaid' && /\.(md|markdown)$/i.test(opts.output)) text = '```mermaid\n' + text + '```\n';
  // As `evolve report` writes its page: replaced atomically, and the same one-line reasons when it cannot be.
  writeAtomically(opts.output, text);
}
