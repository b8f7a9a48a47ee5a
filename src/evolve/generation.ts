/**
 * One generation: plan the children (ids, branches, parents, lessons from failed siblings), write their rows before
 * anything starts, run them `concurrency` at a time, then select. Selection itself is pure (select.ts); this file
 * applies it to rows and records it.
 */
import { candidateBranch, newCandidateId } from '../lineage/ids.ts';
import type { CandidateRow } from '../lineage/schema.ts';
import { runChild, type CandidateDeps, type ChildPlan, type ChildResult, type ParentInfo } from './candidate.ts';
import type { ChildExecutor, RunJournal } from './child.ts';
import type { RunConfig } from './config.ts';
import type { Evaluator } from './judge/evaluate.ts';
import { judgedLesson, siblingLessons } from './repo/context.ts';
import { mapLimit } from './repo/mutex.ts';
import { dgmParents, rank, roundRobin, seedOf, topK, type Contender } from './judge/select.ts';

/**
 * Lessons for a child of `parentId`: one entry per failed sibling of that parent (contract 3), and, when the
 * parent's agent made no claim of its own, what the judge found of it.
 */
export function lessonsFor(ctx: Pick<RunJournal, 'clock'>, parentId: string, rows: readonly CandidateRow[]) {
  const parentRow = rows.find((r) => r.id === parentId);
  const failedSiblings = parentRow?.parent_id
    ? rows.filter((r) => r.parent_id === parentRow.parent_id && r.id !== parentId && r.generation === parentRow.generation && r.status !== 'passed')
    : [];
  const now = ctx.clock.now();
  const lessons = siblingLessons(failedSiblings.map((r) => ({ id: r.id, goal: r.goal, error: r.error, status: r.status })), now);
  if (parentRow && parentRow.generation > 0 && parentRow.agent_success === null) {
    lessons.push(judgedLesson({
      id: parentRow.id, goal: parentRow.goal, status: parentRow.status, testsPassed: parentRow.tests_passed,
      testsFailed: parentRow.tests_failed, score: parentRow.score,
    }, now));
  }
  return lessons;
}

/** Children of `generation`, one per entry of `parents` (already spread over the survivors). */
export function planChildren(ctx: Pick<RunJournal, 'runId' | 'store' | 'clock'>, generation: number, parents: ParentInfo[], rows: readonly CandidateRow[]): ChildPlan[] {
  // An id is new when no run in lineage.db has it and no sibling drew it (their rows are written after this).
  const drawn = new Set<string>();
  const taken = (id: string) => drawn.has(id) || !!ctx.store.getCandidate(id);
  return parents.map((parent) => {
    const id = newCandidateId(taken);
    drawn.add(id);
    return { id, generation, branch: candidateBranch(ctx.runId, generation, id), parent, lessons: lessonsFor(ctx, parent.id, rows) };
  });
}

/** Writes the rows of new children (pending) in one transaction, before any of them starts. */
export function addChildren(ctx: Pick<RunJournal, 'runId' | 'store'>, plans: ChildPlan[]): void {
  ctx.store.transaction(() => {
    for (const p of plans) {
      ctx.store.addCandidate({
        id: p.id, runId: ctx.runId, generation: p.generation, parentId: p.parent.id, branch: p.branch,
        baseCommit: p.parent.commit, status: 'pending', step: 'pending', startedAt: null,
      });
    }
  });
}

/** The runner running its children itself, `concurrency` jails at once. */
export const localExecutor = (ctx: CandidateDeps & { config: Pick<RunConfig, 'concurrency'> }): ChildExecutor =>
  ({ concurrency: ctx.config.concurrency, run: (plan) => runChild(ctx, plan) });

/** Runs the children, as many at once as the executor takes; those not started when the run stops are left out. */
export async function runGeneration(plans: ChildPlan[], shouldStart: () => boolean, executor: ChildExecutor): Promise<ChildResult[]> {
  const results = await mapLimit(plans, executor.concurrency, async (plan) => (shouldStart() ? executor.run(plan) : null));
  return results.filter((r): r is ChildResult => r !== null);
}

export const contender = (row: CandidateRow, children = 0): Contender => ({
  id: row.id, score: row.score ?? 0, passed: row.status === 'passed',
  diffLines: (row.diff_added ?? 0) + (row.diff_removed ?? 0), children, objective: row.objective,
});

export interface Selection {
  /** Children of this generation that the selection kept (marked survived). */
  kept: string[];
  /** Parents of the next generation's children, one per child. */
  nextParents: string[];
}

/**
 * top-k: the k best passing children survive; none passing → the previous survivors parent again.
 * dgm: every passing child joins the archive (survives); parents are sampled from the whole archive.
 */
/** What selecting survivors uses: the strategy and its numbers, and the objective the judge ranks by, if any. */
export interface SelectionDeps {
  runId: string;
  config: Pick<RunConfig, 'strategy' | 'survivors' | 'population' | 'seed' | 'objective'>;
  evaluator: Pick<Evaluator, 'objective'>;
}

export function select(ctx: SelectionDeps, generation: number, children: CandidateRow[], previous: string[], allRows: CandidateRow[]): Selection {
  const { config } = ctx;
  // With a user judge, its objective ranks (the configured one, else its first metric, max).
  const goal = ctx.evaluator.objective ? config.objective?.goal ?? 'max' : null;
  if (config.strategy === 'top-k') {
    const kept = topK(children.map((r) => contender(r)), config.survivors, goal);
    return { kept, nextParents: roundRobin(kept.length > 0 ? kept : previous, config.population) };
  }
  const kept = rank(children.filter((r) => r.status === 'passed').map((r) => contender(r)), goal).map((c) => c.id);
  const childCount = new Map<string, number>();
  for (const r of allRows) if (r.parent_id) childCount.set(r.parent_id, (childCount.get(r.parent_id) ?? 0) + 1);
  const archive = allRows.filter((r) => r.survived === 1 || kept.includes(r.id)).map((r) => contender(r, childCount.get(r.id) ?? 0));
  // The seed is in the archive as passing even when it has no score of its own to compare.
  const seeded = archive.map((c) => (allRows.find((r) => r.id === c.id)?.generation === 0 ? { ...c, passed: true } : c));
  return { kept, nextParents: dgmParents(seeded, config.population, seedOf(`${config.seed}/${ctx.runId}/${generation}`), goal) };
}

export type { ChildResult, ParentInfo };
