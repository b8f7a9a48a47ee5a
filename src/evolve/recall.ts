/**
 * What the runner needs to know about earlier candidates, read back from the store: a parent's commit, test baseline
 * and dependency folder, and where an unfinished child had got to. The same code serves a running run (whose rows
 * were just written) and `--resume` (whose rows were written by a run that stopped or crashed).
 */
import { existsSync } from 'node:fs';
import { readEventData, type EventView } from '../lineage/events/index.ts';
import type { CandidateRow, EventKind } from '../lineage/schema.ts';
import type { AgentReport, ChildPlan, ParentInfo, RunJournal } from './child.ts';
import type { RunConfig } from './config.ts';
import type { CountSource } from './judge/testcounts.ts';
import type { CountVia } from './judge/counts.ts';
import { lessonsFor } from './generation.ts';
import { progressOf, type ScoreWeights } from './judge/score.ts';

/** What reading earlier candidates back uses: their events, the score's weights, and the clock for lessons. */
export interface RecallDeps {
  store: Pick<RunJournal['store'], 'events'>;
  clock: RunJournal['clock'];
  config: Pick<RunConfig, 'weights'>;
}

/** A candidate's latest event of a kind, read with its schema (a field an older evolve did not write is absent). */
function lastEvent<K extends EventKind>(ctx: Pick<RecallDeps, 'store'>, candidateId: string, kind: K): EventView<K> | null {
  const last = ctx.store.events(candidateId).filter((e) => e.kind === kind).pop();
  return last ? readEventData(kind, last.data_json) : null;
}

/** A finished candidate as a parent: its commit, its test count (and how it was counted) and its dependencies. */
export function parentInfoOf(ctx: RecallDeps, rows: readonly CandidateRow[], id: string, targetDeps: string | null): ParentInfo {
  const row = rows.find((r) => r.id === id);
  if (!row || !row.commit_sha) throw new Error(`candidate ${id} has no commit to fork from`);
  // How its counts were read: its own tests, or those of the candidate whose verdict it reused.
  const tested = lastEvent(ctx, id, 'tested') ?? lastEvent(ctx, id, 'duplicate');
  const measure = row.tests_passed === null
    ? null
    : {
      commit: row.commit_sha, tests: row.tests_passed + (row.tests_failed ?? 0), source: (tested?.source ?? 'exit-code') as CountSource,
      via: (tested?.via ?? 'stdout') as CountVia,
      passed: row.tests_passed, progress: lineageProgress(rows, row, ctx.config.weights),
    };
  return { id, commit: row.commit_sha, measure, depsFrom: depsOf(ctx, rows, row, targetDeps) };
}

/** The progress (score.ts) of a candidate: new passing tests credited along its lineage from the seed. */
export function lineageProgress(rows: readonly CandidateRow[], row: CandidateRow, weights: ScoreWeights): number {
  const parent = row.parent_id ? rows.find((r) => r.id === row.parent_id) : undefined;
  if (!parent) return 0;
  return progressOf(lineageProgress(rows, parent, weights), parent.tests_passed ?? 0, row.tests_passed ?? 0, weights);
}

/** The nearest dependency folder along the lineage: an ancestor's own install, else the target's node_modules. */
function depsOf(ctx: RecallDeps, rows: readonly CandidateRow[], row: CandidateRow, targetDeps: string | null): string | null {
  for (let at: CandidateRow | undefined = row; at; at = rows.find((r) => r.id === at!.parent_id)) {
    const installed = lastEvent(ctx, at.id, 'deps_installed');
    const folder = installed?.ok ? installed.node_modules : null;
    if (typeof folder === 'string' && existsSync(folder)) return folder;
  }
  return targetDeps;
}

/** A child row that has not finished, as a plan that picks it up where it was. */
export function resumePlan(ctx: RecallDeps, rows: readonly CandidateRow[], row: CandidateRow, targetDeps: string | null): ChildPlan {
  const finished = lastEvent(ctx, row.id, 'agent_finished');
  const agent: AgentReport | null = finished
    ? { ok: finished.ok === true, reason: finished.reason ?? null, goal: row.goal }
    : null;
  return {
    id: row.id, generation: row.generation, branch: row.branch!,
    parent: parentInfoOf(ctx, rows, row.parent_id!, targetDeps),
    lessons: lessonsFor(ctx, row.parent_id!, rows),
    resume: { step: row.step, commitSha: row.commit_sha, agent },
  };
}
