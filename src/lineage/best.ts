import type { CandidateRow } from './schema.ts';

/**
 * The best candidate of a run, the one rule every reader uses (the run summary, `evolve lineage`, `show`, the TUI):
 * the highest-scoring child that passed, ties to the later generation, then the smaller id. The seed has no diff to
 * pay for and often scores highest, so it is the best only when no child passed, and only if it passed itself.
 */
export function bestCandidate(rows: readonly CandidateRow[]): CandidateRow | null {
  let best: CandidateRow | null = null;
  for (const c of rows) if (ranksAbove(c, best)) best = c;
  return best ?? seedStandIn(rows.find((c) => c.generation === 0) ?? null);
}

/** Whether `c` is a passed child that ranks above `best` (any passed child does when `best` is null). */
export function ranksAbove(c: CandidateRow, best: CandidateRow | null): boolean {
  if (c.generation === 0 || c.status !== 'passed') return false;
  if (!best) return true;
  const score = c.score ?? -Infinity;
  const bestScore = best.score ?? -Infinity;
  if (score !== bestScore) return score > bestScore;
  if (c.generation !== best.generation) return c.generation > best.generation;
  return c.id < best.id;
}

/** The seed as the best when no child passed: only a seed that passed. */
export function seedStandIn(seed: CandidateRow | null): CandidateRow | null {
  return seed?.status === 'passed' ? seed : null;
}
