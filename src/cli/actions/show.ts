/** `evolve show`: everything recorded about one candidate (registered in src/cli/show.ts). */
import { z } from 'zod';
import { UsageError } from '../../errors.ts';
import { describeCandidate } from '../../lineage/describe.ts';
import { formatTranscripts } from '../../lineage/transcript-text.ts';
import type { LineageStore } from '../../lineage/store.ts';
import type { CandidateRow, RunRow } from '../../lineage/schema.ts';
import { parseOptions, resolveCandidate, withReader, writeOutput } from '../db-option.ts';
import { candidateDiff } from '../git-diff.ts';

const Options = z.object({
  db: z.string().min(1, 'needs a file name'),
  diff: z.boolean().optional(),
  transcript: z.boolean().optional(),
});

const CANDIDATE_ID = /^[0-9a-f]{2,64}$/i;

/** The commit a candidate's diff is measured against: the commit it was forked from. */
function diffFor(store: LineageStore, c: CandidateRow, run: RunRow): string {
  if (c.parent_id === null) throw new UsageError(`${c.id} is the seed: it has no parent commit to diff against`);
  const base = c.base_commit ?? store.getCandidate(c.parent_id)?.commit_sha ?? null;
  if (base === null) throw new UsageError(`${c.id} has no recorded base commit`);
  if (c.commit_sha === null) throw new UsageError(`${c.id} has no commit yet (status ${c.status}, step ${c.step})`);
  return candidateDiff(run.target, base, c.commit_sha);
}

export function showCandidate(id: string, raw: unknown): void {
  if (/^[0-9a-f]$/i.test(id)) throw new UsageError(`"${id}" is not a candidate id: one digit is too short (give its 8 hex digits, e.g. 3f2a9c1e, or at least the first 2)`);
  if (!CANDIDATE_ID.test(id)) throw new UsageError(`${JSON.stringify(id)} is not a candidate id (hex digits, e.g. 3f2a9c1e)`);
  const opts = parseOptions(Options, raw);
  const out = withReader(opts.db, (store) => {
    const candidate = resolveCandidate(store, id);
    const run = store.getRun(candidate.run_id);
    if (!run) throw new UsageError(`candidate ${candidate.id} belongs to a run missing from ${opts.db}`);
    const parts = [describeCandidate({
      candidate, run, ancestry: store.ancestryIds(candidate.id),
      children: store.children(candidate.id),
      events: store.events(candidate.id), isBest: store.bestCandidate(run.id)?.id === candidate.id, metrics: store.metricsOf(candidate.id),
    })];
    if (opts.diff) parts.push(`diff against the parent commit (agent_context.json excluded)\n${diffFor(store, candidate, run)}`);
    if (opts.transcript) parts.push(`transcripts\n${formatTranscripts(store.transcripts(candidate.id))}`);
    return parts.join('\n');
  });
  writeOutput(out, { candidateText: true });
}
