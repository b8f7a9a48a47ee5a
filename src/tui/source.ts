import type Database from 'better-sqlite3';
import { UsageError } from '../errors.ts';
import { openDatabase } from '../lineage/open.ts';
import { LineageQueries } from '../lineage/queries.ts';
import type { CandidateRow, EventRow, RunRow } from '../lineage/schema.ts';

/**
 * The TUI's read-only window on lineage.db: opened by the lineage store (its checks: a missing file, a directory,
 * not SQLite, a newer schema → UsageError), read through the store's queries. It never writes: a WAL reader, so
 * the runner (the one writer) is never blocked. `changed()` makes an idle poll nearly free: SQLite's data_version
 * moves only when another connection commits (which the store's public API does not expose, hence the connection).
 */
export interface RunData {
  run: RunRow;
  candidates: CandidateRow[];
  /** Events after the id passed to `read` (all of them the first time). */
  events: EventRow[];
}

export interface LineageSource {
  readonly path: string;
  /** The run to show: `runId`, or the latest run. Throws UsageError when there is none. */
  resolveRun(runId?: string): RunRow;
  /** The latest run still running (what a live view during `evolve run` shows), else the latest run. */
  activeRun(): RunRow;
  /** The run, all its candidates, and its events after `afterEventId`, as one consistent snapshot. */
  read(runId: string, afterEventId: number): RunData;
  /** True when some connection committed since the last call (the first call is always true). */
  changed(): boolean;
  close(): void;
}

export function openSource(path: string): LineageSource {
  const db = openDatabase(path, true);
  try {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('runs','candidates','events')`)
      .get() as { n: number };
    if (tables.n < 3) throw new UsageError(`${path} is not a lineage database (no runs, candidates and events tables)`);
  } catch (err) {
    db.close();
    throw err;
  }
  return new StoreSource(path, db);
}

class StoreSource implements LineageSource {
  private lastDataVersion = -1;
  private readonly queries: LineageQueries;

  constructor(readonly path: string, private readonly db: Database.Database) {
    this.queries = new LineageQueries(db);
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

  read(runId: string, afterEventId: number): RunData {
    // One read transaction: the run, its candidates and its events come from the same moment of the runner's writes.
    return this.db.transaction(() => {
      const run = this.queries.getRun(runId);
      if (!run) throw new UsageError(`no run ${runId} in ${this.path}`);
      return { run, candidates: this.queries.candidates(runId), events: this.queries.runEvents(runId, { afterId: afterEventId }) };
    })();
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
