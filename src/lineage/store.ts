import { gzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { openDatabase } from './open.ts';
import { LineageQueries } from './queries.ts';
import { EventWriter } from './event-rows.ts';
import { checkEventData } from './events/index.ts';
import type { CandidateRow, RunRow, RunStatus } from './schema.ts';
import type {
  CandidatePatch, ModelCallRecord, NewCandidate, NewEvent, NewRun, NewTranscript, OpenStoreOptions,
} from './types.ts';

export type * from './types.ts';

/** The columns updateCandidate may set: all of CandidateRow except its identity. */
const PATCHABLE = new Set<string>([
  'generation', 'parent_id', 'branch', 'base_commit', 'commit_sha', 'goal', 'status', 'build_ok', 'tests_passed',
  'tests_failed', 'diff_added', 'diff_removed', 'score', 'survived', 'input_tokens', 'output_tokens', 'cost_usd',
  'started_at', 'finished_at', 'error', 'step', 'attempts', 'phase', 'plan', 'agent_summary', 'agent_success',
  'cache_read_tokens', 'cache_write_tokens', 'model_calls', 'worker', 'stubs_added', 'duplicate_of', 'objective',
] satisfies (keyof CandidatePatch)[]);

const MODEL_CALL_FIELDS = new Set([
  'runId', 'candidateId', 'model', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costUsd', 'at',
]);

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A metered call as its model_call event's data: the usage first, then every other field given, in snake_case. */
export function modelCallData(call: ModelCallRecord): Record<string, unknown> {
  const data: Record<string, unknown> = {
    model: call.model,
    input_tokens: call.inputTokens,
    output_tokens: call.outputTokens,
    cache_read_tokens: call.cacheReadTokens,
    cache_write_tokens: call.cacheWriteTokens,
    cost_usd: call.costUsd,
  };
  for (const [key, value] of Object.entries(call)) {
    if (!MODEL_CALL_FIELDS.has(key) && value !== undefined) data[snake(key)] = value;
  }
  return data;
}

/** What the metering proxy records through (docs/INTERNALS.md: its `recorder`); the store satisfies it. */
export type LineageRecorder = Pick<LineageStore, 'recordModelCall' | 'appendEvent' | 'addTranscript'>;

/** Opens (and for writers creates and migrates) a lineage database. See docs/INTERNALS.md. */
export function openStore(path: string, options: OpenStoreOptions = {}): LineageStore {
  return new LineageStore(openDatabase(path, options.readonly ?? false), path, options);
}

/**
 * The lineage store: the runner writes through it (one writer), any number of readers read.
 * Every write is one IMMEDIATE transaction; writes made inside `transaction(fn)` join that transaction.
 */
export class LineageStore extends LineageQueries {
  readonly readonly: boolean;
  private readonly clock: () => number;
  private lastStampMs = Number.NaN;
  private lastStamp = '';
  private readonly inTx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly ins;
  private readonly patchStatements = new Map<string, Database.Statement>();
  private readonly eventWriter: EventWriter | null;

  constructor(db: Database.Database, readonly path: string, options: OpenStoreOptions = {}) {
    super(db);
    this.readonly = options.readonly ?? false;
    const now = options.now;
    this.clock = now ? () => now().getTime() : Date.now;
    this.inTx = db.transaction((fn: () => unknown) => fn());
    this.eventWriter = this.readonly ? null : new EventWriter(db);
    const p = (sql: string) => db.prepare(sql);
    this.ins = {
      run: p(`INSERT INTO runs (id, started_at, status, target, config_json) VALUES (?, ?, 'running', ?, ?)`),
      runStatus: p(`UPDATE runs SET status = ?, stop_reason = ?,
                      finished_at = CASE WHEN ? = 'running' THEN NULL ELSE finished_at END WHERE id = ?`),
      finishRun: p(`UPDATE runs SET status = ?, stop_reason = ?, finished_at = ? WHERE id = ?`),
      candidate: p(`INSERT INTO candidates (id, run_id, generation, parent_id, branch, base_commit, goal, commit_sha,
                      status, step, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      addUsage: p(`UPDATE candidates SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
                     cache_read_tokens = cache_read_tokens + ?, cache_write_tokens = cache_write_tokens + ?,
                     cost_usd = cost_usd + ?, model_calls = model_calls + 1 WHERE id = ?`),
      clearMetrics: p(`DELETE FROM metrics WHERE candidate_id = ?`),
      metric: p(`INSERT INTO metrics (run_id, candidate_id, name, value, spread, runs) VALUES (?, ?, ?, ?, ?, ?)`),
      transcript: p(`INSERT INTO transcripts (run_id, candidate_id, at, request_gz, response_gz) VALUES (?, ?, ?, ?, ?)`),
    };
  }

  /** Runs `fn` in one IMMEDIATE transaction (a savepoint when already inside one); the store's writes join it. */
  transaction<T>(fn: () => T): T {
    this.assertWritable();
    return this.undoingCaches(() => (this.db.inTransaction ? this.inTx(fn) : this.inTx.immediate(this.began(fn))) as T);
  }

  /** A single-statement write: its own IMMEDIATE transaction, or part of the caller's. */
  private write<T>(fn: () => T): T {
    this.assertWritable();
    return this.undoingCaches(() => (this.db.inTransaction ? fn() : (this.inTx.immediate(this.began(fn)) as T)));
  }

  /** `fn` run first thing in a new transaction, after the event writer has checked its cached keys. */
  private began<T>(fn: () => T): () => T {
    return () => {
      this.eventWriter?.beginTransaction();
      return fn();
    };
  }

  /** A write that fails may roll back event kinds and shapes the events' caches hold: they are read again. */
  private undoingCaches<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      this.eventWriter?.forget();
      this.eventReader.forget();
      throw err;
    }
  }

  private assertWritable(): void {
    if (this.readonly) throw new Error(`lineage store ${this.path} is open read-only`);
  }

  /** ISO-8601 UTC now; formatted once per millisecond, as events come in bursts. */
  private stamp(at?: string): string {
    if (at !== undefined) return at;
    const ms = this.clock();
    if (ms !== this.lastStampMs) {
      this.lastStampMs = ms;
      this.lastStamp = new Date(ms).toISOString();
    }
    return this.lastStamp;
  }

  createRun(run: NewRun): RunRow {
    const startedAt = this.stamp(run.startedAt);
    this.write(() => this.ins.run.run(run.id, startedAt, run.target, JSON.stringify(run.config ?? {})));
    return this.getRun(run.id)!;
  }

  /** Changes a run's status without finishing it (e.g. `running` again on resume, which clears finished_at). */
  setRunStatus(id: string, status: RunStatus, stopReason?: string): void {
    const info = this.write(() => this.ins.runStatus.run(status, stopReason ?? null, status, id));
    if (info.changes === 0) throw new Error(`no run ${id}`);
  }

  finishRun(id: string, status: Exclude<RunStatus, 'running'>, stopReason?: string): void {
    if ((status as RunStatus) === 'running') throw new Error('finishRun needs a final status, not running');
    const info = this.write(() => this.ins.finishRun.run(status, stopReason ?? null, this.stamp(), id));
    if (info.changes === 0) throw new Error(`no run ${id}`);
  }

  /** Adds a candidate; started_at defaults to now (when it was forked). */
  addCandidate(c: NewCandidate): CandidateRow {
    this.write(() =>
      this.ins.candidate.run(
        c.id, c.runId, c.generation, c.parentId, c.branch, c.baseCommit, c.goal ?? null, c.commitSha ?? null,
        c.status ?? 'pending', c.step ?? 'pending', c.startedAt === undefined ? this.stamp() : c.startedAt,
      ),
    );
    return this.getCandidate(c.id)!;
  }

  /** Sets any columns of a candidate except id and run_id; returns the updated row. */
  updateCandidate(id: string, patch: CandidatePatch): CandidateRow {
    const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined).sort();
    const bad = keys.find((k) => !PATCHABLE.has(k));
    if (bad !== undefined) throw new Error(`updateCandidate: ${bad} is not a patchable candidate column`);
    if (keys.length > 0) {
      const sig = keys.join(',');
      let stmt = this.patchStatements.get(sig);
      if (!stmt) {
        stmt = this.db.prepare(`UPDATE candidates SET ${keys.map((k) => `"${k}" = ?`).join(', ')} WHERE id = ?`);
        this.patchStatements.set(sig, stmt);
      }
      const values = keys.map((k) => {
        const v = (patch as Record<string, unknown>)[k];
        return typeof v === 'boolean' ? Number(v) : v;
      });
      const info = this.write(() => stmt.run(...values, id));
      if (info.changes === 0) throw new Error(`no candidate ${id}`);
    }
    const row = this.getCandidate(id);
    if (!row) throw new Error(`no candidate ${id}`);
    return row;
  }

  /**
   * Appends one event and returns its id. Its data must match its kind's schema (src/lineage/events): an undeclared
   * kind, field or type is a writer's bug and throws InvalidEventError before anything is written.
   */
  appendEvent(e: NewEvent): number {
    this.assertWritable();
    checkEventData(e.kind, e.data);
    return this.insertEvent(e);
  }

  /** The INSERT of an event whose data was checked; written as given (its fields in the writer's order). */
  private insertEvent(e: NewEvent): number {
    const at = this.stamp(e.at);
    return this.write(() => this.eventWriter!.append(e.runId, e.candidateId, at, e.kind, e.data ?? {}));
  }

  /** Records one metered model call: a model_call event and the candidate's running totals, atomically. */
  recordModelCall(call: ModelCallRecord): number {
    for (const key of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costUsd'] as const) {
      const value = call[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new Error(`recordModelCall: ${key} must be a finite number ≥ 0, got ${String(value)}`);
      }
    }
    const data = modelCallData(call);
    checkEventData('model_call', data);
    // The totals first: an unknown candidate fails before anything is written. Inside a caller's transaction this
    // joins it without a savepoint of its own (the proxy and the bench record many calls per transaction).
    return this.write(() => {
      if (call.candidateId !== null) {
        const info = this.ins.addUsage.run(
          call.inputTokens, call.outputTokens, call.cacheReadTokens, call.cacheWriteTokens, call.costUsd,
          call.candidateId,
        );
        if (info.changes === 0) throw new Error(`recordModelCall: no candidate ${call.candidateId}`);
      }
      return this.insertEvent({ runId: call.runId, candidateId: call.candidateId, kind: 'model_call', data, at: call.at });
    });
  }

  /** Replaces what the user judge measured for a candidate (one row per metric: the median, its spread, the runs). */
  setMetrics(runId: string, candidateId: string, metrics: readonly { name: string; value: number; spread: number; runs: number }[]): void {
    this.transaction(() => {
      this.ins.clearMetrics.run(candidateId);
      for (const m of metrics) this.ins.metric.run(runId, candidateId, m.name, m.value, m.spread, m.runs);
    });
  }

  /** Stores one request/response pair gzip-compressed; `response` null or undefined when the call failed. */
  addTranscript(t: NewTranscript): number {
    const request = gzipSync(JSON.stringify(t.request ?? null));
    const response = t.response === undefined || t.response === null ? null : gzipSync(JSON.stringify(t.response));
    const at = this.stamp(t.at);
    return Number(
      this.write(() => this.ins.transcript.run(t.runId, t.candidateId, at, request, response)).lastInsertRowid,
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
