/**
 * The store a worker runs a candidate against: the candidate's one row in memory, the changes runChild makes to it
 * and the events it records, in order. The worker writes no lineage.db; all of this goes back to the runner as the
 * job's result, which the runner writes in one transaction.
 */
import { checkEventData } from '../../lineage/events/index.ts';
import type { CandidateRow, EventKind, EventRow, RunRow } from '../../lineage/schema.ts';
import type { CandidatePatch, NewCandidate, RunnerStore } from '../ports.ts';
import { RUNNER_ONLY_COLUMNS, type JobData, type JobResult } from './protocol.ts';

export class JobStore implements RunnerStore {
  row: CandidateRow;
  private readonly patch: Record<string, string | number | null> = {};
  readonly recorded: JobResult['events'] = [];
  metrics: JobResult['metrics'] = [];

  constructor(data: JobData, attempts: number, private readonly onChange: (row: CandidateRow) => void) {
    this.row = {
      id: data.candidateId, run_id: data.runId, generation: data.generation, parent_id: data.parent.id, branch: data.branch,
      base_commit: data.parent.commit, commit_sha: null, goal: null, status: 'pending', build_ok: null, tests_passed: null,
      tests_failed: null, diff_added: null, diff_removed: null, score: null, survived: 0, input_tokens: 0, output_tokens: 0,
      cost_usd: 0, started_at: null, finished_at: null, error: null, step: 'pending', attempts, phase: null, plan: null,
      agent_summary: null, agent_success: null, cache_read_tokens: 0, cache_write_tokens: 0, model_calls: 0, worker: null,
      stubs_added: null, duplicate_of: null, objective: null,
    };
  }

  /** The changes to send back: everything runChild set except what only the runner decides. */
  changes(): Record<string, string | number | null> {
    return Object.fromEntries(Object.entries(this.patch).filter(([k]) => !RUNNER_ONLY_COLUMNS.has(k)));
  }

  updateCandidate(id: string, patch: CandidatePatch): CandidateRow {
    this.own(id);
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) this.patch[k] = v as string | number | null;
    this.row = { ...this.row, ...patch };
    this.onChange(this.row);
    return this.row;
  }

  appendEvent(e: { runId: string; candidateId: string | null; kind: EventKind; data?: Record<string, unknown> }): number {
    // Checked here as the runner's store checks it: a bug shows on the worker, not as a refused job result.
    checkEventData(e.kind, e.data);
    this.recorded.push({ kind: e.kind, data: e.data ?? {}, at: new Date().toISOString() });
    return this.recorded.length;
  }

  setMetrics(_runId: string, candidateId: string, metrics: JobResult['metrics']): void {
    this.own(candidateId);
    this.metrics = [...metrics];
  }

  getCandidate(id: string): CandidateRow | undefined {
    return id === this.row.id ? this.row : undefined;
  }

  candidates(): CandidateRow[] {
    return [this.row];
  }

  events(candidateId: string): EventRow[] {
    if (candidateId !== this.row.id) return [];
    return this.recorded.map((e, i) => ({
      id: i + 1, run_id: this.row.run_id, candidate_id: this.row.id, at: e.at, kind: e.kind, data_json: JSON.stringify(e.data),
    }));
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  // A worker runs one candidate: runs and other candidates are the runner's alone.
  createRun(): never { throw new Error('a worker records no runs'); }
  setRunStatus(): never { throw new Error('a worker records no runs'); }
  finishRun(): never { throw new Error('a worker records no runs'); }
  getRun(): RunRow | undefined { return undefined; }
  addCandidate(_c: NewCandidate): never { throw new Error('a worker adds no candidates'); }

  private own(id: string): void {
    if (id !== this.row.id) throw new Error(`this job runs ${this.row.id}, not ${id}`);
  }
}
