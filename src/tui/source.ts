import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION, type CandidateRow, type EventRow, type RunRow } from '../lineage/schema.ts';

/**
 * The TUI's read-only window on lineage.db. It never writes: a WAL reader, so the runner (the one writer) is never
 * blocked. `poll()` is cheap when nothing changed: SQLite's data_version moves only when another connection commits.
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
  /** The run, all its candidates, and its events after `afterEventId`. */
  read(runId: string, afterEventId: number): RunData;
  /** True when some connection committed since the last call (the first call is always true). */
  changed(): boolean;
  close(): void;
}

export function openSource(path: string): LineageSource {
  if (!existsSync(path)) throw new UsageError(`no lineage database at ${path} (start a run first, or pass --db <file>)`);
  if (statSync(path).isDirectory()) throw new UsageError(`${path} is a directory, not a lineage database`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new UsageError(`${path} was written by a newer evolve (schema ${version}, this one reads up to ${SCHEMA_VERSION})`);
    }
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('runs','candidates','events')`).all();
    if (tables.length < 3) throw new UsageError(`${path} is not a lineage database (no runs, candidates and events tables)`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${path} is not a lineage database: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return new SqliteSource(path, db);
}

class SqliteSource implements LineageSource {
  private lastDataVersion = -1;
  private readonly q;

  constructor(readonly path: string, private readonly db: Database.Database) {
    this.q = {
      run: db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?'),
      latest: db.prepare<[], RunRow>('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1'),
      candidates: db.prepare<[string], CandidateRow>('SELECT * FROM candidates WHERE run_id = ? ORDER BY generation, started_at, id'),
      events: db.prepare<[string, number], EventRow>('SELECT * FROM events WHERE run_id = ? AND id > ? ORDER BY id'),
    };
  }

  resolveRun(runId?: string): RunRow {
    const run = runId ? this.q.run.get(runId) : this.q.latest.get();
    if (run) return run;
    throw new UsageError(runId ? `no run ${runId} in ${this.path}` : `no runs in ${this.path} yet`);
  }

  read(runId: string, afterEventId: number): RunData {
    // One read transaction, so the run, its candidates and its events are one consistent snapshot.
    return this.db.transaction(() => {
      const run = this.q.run.get(runId);
      if (!run) throw new UsageError(`no run ${runId} in ${this.path}`);
      return { run, candidates: this.q.candidates.all(runId), events: this.q.events.all(runId, afterEventId) };
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
