/** `evolve lineage`: the run's genealogy as an indented tree, or JSON (registered in src/cli/lineage.ts). */
import { z } from 'zod';
import { bestCandidate } from '../../lineage/best.ts';
import { lineageDocument } from '../../lineage/export.ts';
import { buildTree, objectiveGoal } from '../../lineage/queries.ts';
import { renderLineage } from '../../lineage/render.ts';
import { safeJson } from '../../safe-text.ts';
import { lineageView, parseOptions, resolveRun, withReader, writeOutput } from '../db-option.ts';

const Options = z.object({
  db: z.string().min(1, 'needs a file name'),
  run: z.string().min(1, 'needs a run id').optional(),
  json: z.boolean().optional(),
});

export function printLineage(raw: unknown): void {
  const opts = parseOptions(Options, raw);
  const out = withReader(opts.db, (store) => {
    const run = resolveRun(store, opts.run);
    if (opts.json) return safeJson(lineageDocument(lineageView(store, run))) + '\n';
    // The text draws a few columns of each candidate: their outlines, not the full rows JSON prints; the best is
    // found among them by the same rule (reading every full row for it cost more than the whole text).
    const outlines = store.outlines(run.id);
    const best = bestCandidate(outlines, objectiveGoal(run.config_json)) ?? undefined;
    return renderLineage(run, buildTree(outlines), store.generationStats(run.id), best);
  });
  writeOutput(out, { candidateText: true });
}
