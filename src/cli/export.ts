import { Option, type Command } from 'commander';
import { z } from 'zod';
import { EXPORT_FORMATS, exportLineage } from '../lineage/export.ts';
import { writeAtomically } from '../report/report.ts';
import {
  addDbOption, addRunOption, addVerboseOption, lineageView, parseOptions, resolveRun, withReader, writeOutput,
} from './db-option.ts';

const Options = z.object({
  format: z.enum(EXPORT_FORMATS),
  db: z.string().min(1, 'needs a file name'),
  run: z.string().min(1, 'needs a run id').optional(),
  output: z.string().min(1, 'needs a file name').optional(),
});

/** `evolve export --format dot|mermaid|json [--db <file>] [--run <id>] [-o <file>]`: the genealogy for other tools. */
export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description('write the genealogy of a run for Graphviz (dot), Markdown (mermaid) or other tools (json)')
    .addOption(new Option('--format <format>', 'the output format').choices(EXPORT_FORMATS).makeOptionMandatory());
  addRunOption(addDbOption(command));
  command.option('-o, --output <file>', 'write to this file instead of stdout (mermaid into a .md file gets a fence)');
  addVerboseOption(command).action((raw: unknown) => {
    const opts = parseOptions(Options, raw);
    let text = withReader(opts.db, (store) => exportLineage(lineageView(store, resolveRun(store, opts.run)), opts.format));
    if (opts.output === undefined) {
      writeOutput(text);
      return;
    }
    if (opts.format === 'mermaid' && /\.(md|markdown)$/i.test(opts.output)) text = '```mermaid\n' + text + '```\n';
    // As `evolve report` writes its page: replaced atomically, and the same one-line reasons when it cannot be.
    writeAtomically(opts.output, text);
  });
}
