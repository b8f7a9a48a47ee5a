import type { CandidateRow } from './schema.ts';

/** What the rule reads of a candidate: full rows and the views' outlines both have it. */
type Ranked = Pick<CandidateRow, 'id' | 'generation' | 'status' | 'score'> & { objective?: number | null };

/**
 * The best candidate of a run, the one rule every reader uses (the run summary, `evolve lineage`, `show`, the TUI):
 * the child that passed with the highest score — or, in a run with a user judge (`goal` given), the best value of
 * its objective (docs/judge.md) — ties to the later generation, then the smaller id. The seed is the best only when
 * no child passed, and only if it passed itself.
 */
export function bestCandidate<T extends Ranked>(rows: readonly T[], goal: 'max' | 'min' | null = null): T | null {
  let best: T | null = null;
  for (const c of rows) if (ranksAbove(c, best, goal)) best = c;
  return best ?? seedStandIn(rows.find((c) => c.generation === 0) ?? null);
}

/** Whether `c` is a passed child that ranks above `best` (any passed child does when `best` is null). */
export function ranksAbove(c: Ranked, best: Ranked | null, goal: 'max' | 'min' | null = null): boolean {
  if (c.generation === 0 || c.status !== 'passed') return false;
  if (!best) return true;
  const unmeasured = goal === 'min' ? Infinity : -Infinity;
  const value = (r: Ranked) => (goal ? (r.objective ?? unmeasured) : (r.score ?? -Infinity));
  const score = value(c);
  const bestScore = value(best);
  if (score !== bestScore) return goal === 'min' ? score < bestScore : score > bestScore;
  if (c.generation !== best.generation) return c.generation > best.generation;
  return c.id < best.id;
}

/** The seed as the best when no child passed: only a seed that passed. */
export function seedStandIn<T extends Ranked>(seed: T | null): T | null {
  return seed?.status === 'passed' ? seed : null;
}
