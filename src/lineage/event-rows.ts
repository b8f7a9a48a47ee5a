import type Database from 'better-sqlite3';
import { atText, joinData, MAX_SHAPES, parseShape, splitData, storedAt, type Shape, type ShapeNode, type StoredShape } from './event-codec.ts';
import { LOG_CODE_LIST } from './schema-v6.ts';
import { LOG_KIND_LIST, type EventRow } from './schema.ts';

/** A row as the reads below select it: [id, run_id, candidate_id, at, kind, shape, data]. */
type RawEvent = [number, string, string | null, number | string, number | string, number | null, string];

/**
 * The code's reads of events (event-codec.ts for the storage): on event_rows with integer keys, decoded here, so
 * no read pays for the view's JSON rebuilding. A file older than schema version 6, which a read-only reader never
 * migrates, has the plain `events` table: the same reads go to it.
 */
export class EventReader {
  private readonly stmts;
  private readonly kinds = new Map<number, string>();
  private readonly shapes = new Map<number, Shape>();
  private readonly kindStmt: Database.Statement | null;
  private readonly shapeStmt: Database.Statement | null;
  /** The compact reads name the run or candidate twice: as the column they return and in their WHERE. */
  private readonly key: (id: string) => string[];

  constructor(db: Database.Database) {
    const compact = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'event_rows'`).get() !== undefined;
    const p = (sql: string) => db.prepare(sql).raw(true);
    this.key = compact ? (id) => [id, id] : (id) => [id];
    if (compact) {
      const cols = (ref: 'run' | 'candidate') => ref === 'run'
        ? `SELECT e.id, r.id, ? AS candidate_id, e.at, e.kind, e.shape, e.data FROM event_rows e JOIN runs r ON r.n = e.run`
        : `SELECT e.id, ? AS run_id, c.id, e.at, e.kind, e.shape, e.data FROM event_rows e LEFT JOIN candidates c ON c.n = e.candidate`;
      const byCandidate = `${cols('run')} WHERE e.candidate = (SELECT n FROM candidates WHERE id = ?) AND e.id > ?`;
      const byRun = `${cols('candidate')} WHERE e.run = (SELECT n FROM runs WHERE id = ?) AND e.id > ?`;
      const runN = `(SELECT n FROM runs WHERE id = ?)`;
      this.stmts = {
        byCandidate: p(`${byCandidate} ORDER BY e.id`),
        latestByCandidate: p(`SELECT * FROM (${byCandidate} ORDER BY e.id DESC LIMIT ?) ORDER BY id`),
        byRun: p(`${byRun} ORDER BY e.id`),
        byRunLimit: p(`${byRun} ORDER BY e.id LIMIT ?`),
        log: p(`${cols('candidate')} WHERE e.run = (SELECT n FROM runs WHERE id = ?) AND e.kind IN (${LOG_CODE_LIST})
                ORDER BY e.id`),
        lastId: db.prepare(`SELECT max(id) FROM event_rows WHERE run = ${runN}`).pluck(),
        newestCandidate: db.prepare(`SELECT c.id FROM event_rows e JOIN candidates c ON c.n = e.candidate
          WHERE e.run = ${runN} AND e.candidate IS NOT NULL ORDER BY e.id DESC LIMIT 1`).pluck(),
      };
      this.kindStmt = db.prepare(`SELECT id, name FROM event_kinds`).raw(true);
      this.shapeStmt = db.prepare(`SELECT keys, fixed, slots FROM event_shapes WHERE id = ?`);
    } else {
      const cols = `SELECT id, run_id, candidate_id, at, kind, NULL, data_json FROM events`;
      this.stmts = {
        byCandidate: p(`${cols} WHERE candidate_id = ? AND id > ? ORDER BY id`),
        latestByCandidate: p(`SELECT * FROM (${cols} WHERE candidate_id = ? AND id > ?
          ORDER BY id DESC LIMIT ?) ORDER BY id`),
        byRun: p(`${cols} WHERE run_id = ? AND id > ? ORDER BY id`),
        byRunLimit: p(`${cols} WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?`),
        log: p(`${cols} WHERE run_id = ? AND kind IN (${LOG_KIND_LIST}) ORDER BY id`),
        lastId: db.prepare(`SELECT max(id) FROM events WHERE run_id = ?`).pluck(),
        newestCandidate: db.prepare(
          `SELECT candidate_id FROM events WHERE run_id = ? AND candidate_id IS NOT NULL ORDER BY id DESC LIMIT 1`).pluck(),
      };
      this.kindStmt = null;
      this.shapeStmt = null;
    }
  }

  /** Drops what was cached: after a rolled-back write on this connection, an id read inside it may be reused. */
  forget(): void {
    this.kinds.clear();
    this.shapes.clear();
  }

  /** A candidate's events in id order, after `afterId`; with `limit`, only the newest that many. */
  byCandidate(candidateId: string, afterId: number, limit?: number): EventRow[] {
    if (limit !== undefined) return this.decode(this.stmts.latestByCandidate.all(...this.key(candidateId), afterId, limit));
    return this.decode(this.stmts.byCandidate.all(...this.key(candidateId), afterId));
  }

  byRun(runId: string, afterId: number, limit?: number): EventRow[] {
    if (limit !== undefined) return this.decode(this.stmts.byRunLimit.all(...this.key(runId), afterId, limit));
    return this.decode(this.stmts.byRun.all(...this.key(runId), afterId));
  }

  /** The run's log events (LOG_KINDS), through the partial index events_log. */
  log(runId: string): EventRow[] {
    return this.decode(this.stmts.log.all(...this.key(runId)));
  }

  /** The largest event id of a run (0 when it has none). */
  lastId(runId: string): number {
    return (this.stmts.lastId.get(runId) as number | null) ?? 0;
  }

  /** The candidate of the run's newest candidate event, or null. */
  newestCandidate(runId: string): string | null {
    return (this.stmts.newestCandidate.get(runId) as string | undefined) ?? null;
  }

  private decode(rows: unknown[]): EventRow[] {
    return (rows as RawEvent[]).map(([id, runId, candidateId, at, kind, shape, data]) => ({
      id, run_id: runId, candidate_id: candidateId, at: atText(at),
      kind: typeof kind === 'number' ? this.kindName(kind) : kind,
      data_json: shape === null ? data : joinData(this.shape(shape), data),
    }));
  }

  /** Kinds and shapes are only ever added, never changed: what was read once stays true. */
  private kindName(code: number): string {
    let name = this.kinds.get(code);
    if (name === undefined) {
      for (const [id, n] of this.kindStmt!.all() as [number, string][]) this.kinds.set(id, n);
      name = this.kinds.get(code);
      if (name === undefined) throw new Error(`event kind ${code} is not in event_kinds`);
    }
    return name;
  }

  private shape(id: number): Shape {
    let shape = this.shapes.get(id);
    if (shape === undefined) {
      const stored = this.shapeStmt!.get(id) as StoredShape | undefined;
      if (!stored) throw new Error(`event shape ${id} is not in event_shapes`);
      shape = parseShape(stored);
      this.shapes.set(id, shape);
    }
    return shape;
  }
}

/**
 * The store's one statement per event. The integer keys of runs and candidates are cached: they change only when a
 * row is deleted and added again, which the store never does, so the cache is dropped whenever another connection
 * has committed (SQLite's data_version, read once per transaction) and after a failed write.
 */
export class EventWriter {
  private readonly insert;
  private readonly kinds = new Map<string, number>();
  private shapes: ShapeNode = {};
  /** Set once event_shapes holds MAX_SHAPES: no new shape is made (nor a node for one). */
  private shapesFull = false;
  private readonly keys = { runs: new Map<string, number>(), candidates: new Map<string, number>() };
  private dataVersion = -1;
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO event_rows (run, candidate, at, kind, shape, data) VALUES (?, ?, ?, ?, ?, ?)`);
    this.stmts = {
      runKey: db.prepare(`SELECT n FROM runs WHERE id = ?`).pluck(),
      candidateKey: db.prepare(`SELECT n FROM candidates WHERE id = ?`).pluck(),
      kinds: db.prepare(`SELECT name, id FROM event_kinds`).raw(true),
      addKind: db.prepare(`INSERT OR IGNORE INTO event_kinds (name) VALUES (?)`),
      findShape: db.prepare(`SELECT id FROM event_shapes WHERE keys = ? AND fixed = ?`).pluck(),
      countShapes: db.prepare(`SELECT count(*) FROM event_shapes`).pluck(),
      addShape: db.prepare(`INSERT INTO event_shapes (keys, fixed, slots) VALUES (?, ?, ?)`),
    };
  }

  /** Drops every cached id: a rolled-back transaction takes the kinds, shapes and keys it added with it. */
  forget(): void {
    this.kinds.clear();
    this.shapes = {};
    this.shapesFull = false;
    this.forgetKeys();
  }

  private forgetKeys(): void {
    this.keys.runs.clear();
    this.keys.candidates.clear();
  }

  /**
   * Called as a transaction begins: what another connection committed may have deleted a run or candidate and added
   * it again (kinds and shapes are only ever added, so those stay true).
   */
  beginTransaction(): void {
    const version = Number(this.db.pragma('data_version', { simple: true }));
    if (version !== this.dataVersion) this.forgetKeys();
    this.dataVersion = version;
  }

  /** Appends one event (inside the caller's transaction) and returns its id. */
  append(runId: string, candidateId: string | null, at: string, kind: string, data: unknown): number {
    const split = splitData(data, this.shapes, !this.shapesFull);
    let shape: number | null = null;
    let stored: string;
    if (split) {
      shape = split.node.id !== undefined ? split.node.id : this.shapeId(split.node, split.shape);
      stored = shape === null ? JSON.stringify(data) : split.values;
    } else {
      stored = JSON.stringify(data);
    }
    const run = this.key('runs', runId);
    const candidate = candidateId === null ? null : this.key('candidates', candidateId);
    // A JS number is bound as a REAL (8 bytes, and the view's typeof test fails); a BigInt as an INTEGER (6 bytes).
    const when = storedAt(at);
    const info = this.insert.run(run, candidate, typeof when === 'number' ? BigInt(when) : when, this.kindId(kind), shape, stored);
    return Number(info.lastInsertRowid);
  }

  /** The integer key of a run or candidate; an unknown id fails as the foreign key of the old table did. */
  private key(table: 'runs' | 'candidates', id: string): number {
    const cache = this.keys[table];
    let n = cache.get(id);
    if (n === undefined) {
      n = (table === 'runs' ? this.stmts.runKey : this.stmts.candidateKey).get(id) as number | undefined;
      if (n === undefined || n === null) throw new Error(`FOREIGN KEY constraint failed: no ${table === 'runs' ? 'run' : 'candidate'} ${id}`);
      cache.set(id, n);
    }
    return n;
  }

  private kindId(kind: string): number {
    let id = this.kinds.get(kind);
    if (id === undefined) {
      this.stmts.addKind.run(kind);
      for (const [name, code] of this.stmts.kinds.all() as [string, number][]) this.kinds.set(name, code);
      id = this.kinds.get(kind)!;
    }
    return id;
  }

  /** The shape's id, made when new; null past MAX_SHAPES (the data is then stored as text). */
  private shapeId(node: ShapeNode, make: () => StoredShape): number | null {
    const shape = make();
    let id = this.stmts.findShape.get(shape.keys, shape.fixed) as number | undefined;
    if (id === undefined) {
      if ((this.stmts.countShapes.get() as number) >= MAX_SHAPES) {
        this.shapesFull = true;
        return null;
      }
      id = Number(this.stmts.addShape.run(shape.keys, shape.fixed, shape.slots).lastInsertRowid);
    }
    node.id = id;
    return id;
  }
}
