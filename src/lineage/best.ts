import type { CandidateRow } from './schema.ts';

/**
 * The best candidate of a run, the one rule every reader uses (the run summary, `evolve lineage`, `show`, the TUI):
 * the highest-scoring child that passed, ties to the later generation, then the smaller id. The seed has no diff to
 * pay for and often scores highest, so it is the best only when no child passed, and only if it passed itself.
 */
export function bestCandidate(rows: readonly CandidateRow[]): CandidateRow | null {
  let best: CandidateRow | null = null;
  for (const c of rows) {
    if (c.generation === 0 || c.status !== 'passed') continue;
    if (!best || better(c, best)) best = c;
  }
  return best ?? rows.find((c) => c.generation === 0 && c.status === 'passed') ?? null;
}

function better(a: CandidateRow, b: CandidateRow): boolean {
  const sa = a.score ?? -Infinity;
  const sb = b.score ?? -Infinity;
  if (sa !== sb) return sa > sb;
  if (a.generation !== b.generation) return a.generation > b.generation;
  return a.id < b.id;
}
