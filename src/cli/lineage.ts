import type { Command } from 'commander';
import { z } from 'zod';
import { lineageDocument } from '../lineage/export.ts';
import { safeJson } from '../safe-text.ts';
import { renderLineage } from '../lineage/render.ts';
import {
  addDbOption, addRunOption, addVerboseOption, lineageView, parseOptions, resolveRun, withReader, writeOutput,
} from './db-option.ts';

const Options = z.object({
  db: z.string().min(1, 'needs a file name'),
  run: z.string().min(1, 'needs a run id').optional(),
  json: z.boolean().optional(),
});

/** `evolve lineage [--db <file>] [--run <id>] [--json]`: the genealogy of a run as an indented tree or JSON. */
export function registerLineage(program: Command): void {
  const command = program
    .command('lineage')
    .description('print the genealogy of a run: one candidate per line, indented under its parent (or --json)');
  addRunOption(addDbOption(command));
  command.option('--json', 'print the run, its per-generation stats and its tree as JSON');
  addVerboseOption(command).action((raw: unknown) => {
    const opts = parseOptions(Options, raw);
    const out = withReader(opts.db, (store) => {
      const run = resolveRun(store, opts.run);
      if (opts.json) return safeJson(lineageDocument(lineageView(store, run))) + '\n';
      // The text draws a few columns of each candidate: their outlines, not the full rows JSON prints.
      return renderLineage(run, store.outlineTree(run.id), store.generationStats(run.id), store.bestCandidate(run.id));
    });
    writeOutput(out, { candidateText: true });
  });
}
