import { Option, type Command } from 'commander';
import type { EXPORT_FORMATS } from '../lineage/export.ts';
import { addDbOption, addRunOption, addVerboseOption } from './options.ts';

/** lineage/export.ts's formats, checked by the type: importing that module would load the run config's schema (zod). */
const FORMATS: typeof EXPORT_FORMATS = ['dot', 'mermaid', 'json'];

/** `evolve export --format dot|mermaid|json [--db <file>] [--run <id>] [-o <file>]`: the genealogy for other tools. */
export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description('write the genealogy of a run for Graphviz (dot), Markdown (mermaid) or other tools (json)')
    .addOption(new Option('--format <format>', 'the output format').choices(FORMATS).makeOptionMandatory());
  addRunOption(addDbOption(command));
  command.option('-o, --output <file>', 'write to this file instead of stdout (mermaid into a .md file gets a fence)');
  addVerboseOption(command).action(async (raw: unknown) => {
    (await import('./actions/export.ts')).exportRun(raw);
  });
}
