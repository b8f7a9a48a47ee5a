import type Database from 'better-sqlite3';
import { UsageError } from '../errors.ts';
import { openDatabase } from '../lineage/open.ts';
import { LineageQueries } from '../lineage/queries.ts';
import { type CandidateRow, type EventRow, type RunRow } from '../lineage/schema.ts';
import type { CandidateOutline } from '../lineage/types.ts';
import { outlineColumns } from '../lineage/queries.ts';

/** What a live view needs to open: no event is read but the run's log lines (selections, errors). */
export interface RunOpening {
  run: RunRow;
  /** The tree's columns of every candidate (its details are read one candidate at a time). */
  candidates: CandidateOutline[];
  /** The run's log events (LOG_KINDS), oldest first. */
  log: EventRow[];
  lastEventId: number;
  /** The candidate of the run's newest candidate event. */
  newestCandidateId: string | null;
  /** The largest candidates.rev seen (-1 when the database predates it: every poll then reads every candidate). */
  rev: number;
}

/** What changed since a poll: candidates whose rev moved past `sinceRev`, events after `afterEventId`. */
export interface RunChanges {
  run: RunRow;
  candidates: CandidateOutline[];
  events: EventRow[];
  rev: number;
}

/**
 * The TUI's read-only window on lineage.db: opened by the lineage store (its checks: a missing file, a directory,
 * not SQLite, a newer schema → UsageError), read through the store's queries. It never writes: a WAL reader, so
 * the runner (the one writer) is never blocked. `changed()` makes an idle poll nearly free: SQLite's data_version
 * moves only when another connection commits (which the store's public API does not expose, hence the connection).
 */
export interface LineageSource {
  readonly path: string;
  /** The run to show: `runId`, or the latest run. Throws UsageError when there is none. */
  resolveRun(runId?: string): RunRow;
  /** The latest run still running (what a live view during `evolve run` shows), else the latest run. */
  activeRun(): RunRow;
  /** The first read of a live view: everything it draws, and no event it does not print. */
  open(runId: string): RunOpening;
  /** Only what changed since the last poll (one consistent snapshot). */
  changes(runId: string, sinceRev: number, afterEventId: number): RunChanges;
  /** Every column of one candidate (the detail pane). */
  candidate(id: string): CandidateRow | undefined;
  /** One candidate's events (the detail pane's tool calls, build and tests). */
  candidateEvents(candidateId: string): EventRow[];
  /** True when some connection committed since the last call (the first call is always true). */
  changed(): boolean;
  close(): void;
}

export function openSource(path: string): LineageSource {
  const db = openDatabase(path, true);
  try {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type IN ('table', 'view') AND name IN ('runs','candidates','events')`)
      .get() as { n: number };
    if (tables.n < 3) throw new UsageError(`${path} is not a lineage database (no runs, candidates and events tables)`);
  } catch (err) {
    db.close();
    throw err;
  }
  return new StoreSource(path, db);
}

/** The source over an open connection (openSource checks and opens it; tests pass their own). */
export class StoreSource implements LineageSource {
  private lastDataVersion = -1;
  private readonly queries: LineageQueries;
  private readonly stmts;
  /** Whether candidates.rev exists (schema version 2): without it every poll reads every candidate. */
  private readonly hasRev: boolean;

  constructor(readonly path: string, private readonly db: Database.Database) {
    this.queries = new LineageQueries(db);
    this.hasRev = (db.prepare(`SELECT count(*) FROM pragma_table_info('candidates') WHERE name = 'rev'`).pluck().get() as number) > 0;
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      maxRev: this.hasRev ? p(`SELECT max(rev) FROM candidates`).pluck() : null,
      // `+run_id`: the few rows past the rev through candidates_rev, not the run's ten thousand through its run index.
      changed: this.hasRev ? p(`SELECT ${outlineColumns(db).join(', ')} FROM candidates WHERE rev > ? AND +run_id = ? ORDER BY rev`) : null,
    };
  }

  open(runId: string): RunOpening {
    return this.db.transaction(() => {
      const run = this.getRun(runId);
      return {
        run, candidates: this.queries.outlines(runId), log: this.queries.runLog(runId),
        lastEventId: this.queries.lastEventId(runId),
        newestCandidateId: this.queries.newestEventCandidate(runId),
        // No candidate yet (a run that has just started) is rev 0: the first ones to come are past it.
        rev: this.stmts.maxRev ? ((this.stmts.maxRev.get() as number | null) ?? 0) : -1,
      };
    })();
  }

  changes(runId: string, sinceRev: number, afterEventId: number): RunChanges {
    return this.db.transaction(() => {
      const run = this.getRun(runId);
      const events = this.queries.runEvents(runId, { afterId: afterEventId });
      if (!this.stmts.changed) return { run, candidates: this.queries.outlines(runId), events, rev: -1 };
      const candidates = this.stmts.changed.all(sinceRev, runId) as CandidateOutline[];
      // The counter is database-wide: another run's writes move it too, so the newest value is read, not derived.
      return { run, candidates, events, rev: (this.stmts.maxRev!.get() as number | null) ?? sinceRev };
    })();
  }

  candidate(id: string): CandidateRow | undefined {
    return this.queries.getCandidate(id);
  }

  candidateEvents(candidateId: string): EventRow[] {
    return this.queries.events(candidateId);
  }

  private getRun(runId: string): RunRow {
    const run = this.queries.getRun(runId);
    if (!run) throw new UsageError(`no run ${runId} in ${this.path}`);
    return run;
  }

  resolveRun(runId?: string): RunRow {
    const run = runId ? this.queries.getRun(runId) : this.queries.latestRun();
    if (run) return run;
    throw new UsageError(runId ? `no run ${runId} in ${this.path} (runs: ${this.queries.recentRunIds()})` : `no runs in ${this.path} yet`);
  }

  activeRun(): RunRow {
    const running = this.db.prepare(`SELECT * FROM runs WHERE status = 'running' ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get() as RunRow | undefined;
    return running ?? this.resolveRun();
  }

  changed(): boolean {
    const v = Number(this.db.pragma('data_version', { simple: true }));
    const moved = v !== this.lastDataVersion;
    this.lastDataVersion = v;
    return moved;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
