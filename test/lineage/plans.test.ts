import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineageQueries } from '../../src/lineage/queries.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/lineage/schema.ts';
import { openStore } from '../../src/lineage/store.ts';
import { LineageModel } from '../../src/tui/model.ts';
import { StoreSource } from '../../src/tui/source.ts';
import { buildSampleStore, RUN_A, tempDir, track } from './fixtures.ts';

/** Every statement a connection runs, as executed (parameters inlined), for EXPLAIN QUERY PLAN. */
function recordingConnection(path: string): { db: Database.Database; executed: string[] } {
  const executed: string[] = [];
  const db = new Database(path, { readonly: true, verbose: (sql) => executed.push(String(sql)) });
  return { db, executed };
}

const plan = (db: Database.Database, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);

describe('query plans at campaign scale', () => {
  it('reads one candidate\'s and one run\'s events through an index, never a scan of events', () => {
    const { store, path } = buildSampleStore();
    const { db, executed } = recordingConnection(path);
    const queries = new LineageQueries(db);
    queries.events('b1000001');
    queries.events('b1000001', { limit: 5, afterId: 1 });
    queries.runEvents(RUN_A);
    queries.runEvents(RUN_A, { afterId: 3, limit: 10 });
    // The live view: its opening, a poll, and a candidate's details.
    const model = new LineageModel(new StoreSource(path, db), RUN_A);
    store.appendEvent({ runId: RUN_A, candidateId: 'b1000001', kind: 'phase', data: { name: 'plan' } });
    store.updateCandidate('b1000001', { phase: 'plan' });
    expect(model.poll()).toBe(true);
    expect(model.layout.candidate('b1000001')?.phase).toBe('plan');
    store.close();
    model.activityOf('b1000001');
    // The code reads the compact rows (event_rows, schema version 6), never the view that rebuilds each row's JSON.
    const reads = executed.filter((sql) => /\bFROM (events|event_rows)\b/i.test(sql) && /^\s*(WITH|SELECT)/i.test(sql));
    expect(reads.length).toBeGreaterThanOrEqual(8);
    expect(reads.filter((sql) => /\bFROM events\b/i.test(sql))).toEqual([]);
    for (const sql of reads) {
      const steps = plan(db, sql);
      if (process.env.EVOLVE_SHOW_PLANS) console.log(sql, steps);
      expect(steps.join(' / '), sql).toMatch(/SEARCH (event_rows|e) USING (COVERING )?INDEX (events_run|events_candidate|events_log)\b/);
      expect(steps.filter((s) => /^SCAN (event_rows|e)\b/.test(s)), sql).toEqual([]);
      // In id order straight from the index: only the newest-few read sorts what it took (at most its limit).
      if (!/LIMIT [\d.]+\) ORDER BY id$/.test(sql.trim())) expect(steps.join(' / '), sql).not.toMatch(/TEMP B-TREE/);
    }
    // A poll asks only for the candidates whose rev moved, through candidates_rev.
    const changed = executed.find((sql) => /rev >/.test(sql))!;
    expect(plan(db, changed).join(' / ')).toMatch(/SEARCH candidates USING INDEX candidates_rev/);
    db.close();
  });

  it('keeps no duplicate index: none is a prefix of another on the same table', () => {
    const store = track(openStore(join(tempDir(), 'lineage.db')));
    const db = (store as unknown as { db: Database.Database }).db;
    const indexes = db.prepare(`SELECT name, tbl_name AS t FROM sqlite_schema WHERE type = 'index'`).all() as { name: string; t: string }[];
    const columns = (name: string) => (db.prepare(`SELECT name FROM pragma_index_info(?)`).pluck().all(name) as string[]).join(',');
    const partial = (name: string) => /\bWHERE\b/i.test((db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(name) as string | null) ?? '');
    for (const a of indexes) {
      for (const b of indexes) {
        if (a === b || a.t !== b.t || partial(a.name) || partial(b.name)) continue;
        expect(`${b.t}: ${columns(b.name)}`.startsWith(`${a.t}: ${columns(a.name)},`), `${a.name} is a prefix of ${b.name}`).toBe(false);
        expect(columns(a.name) === columns(b.name), `${a.name} duplicates ${b.name}`).toBe(false);
      }
    }
  });
});

describe('migrations to schema 2 (candidates.rev) and 3 (indexes without the id twice)', () => {
  it('carries a version-1 database forward: rows kept, revs given, triggers moving rev on every write', () => {
    const path = join(tempDir(), 'lineage.db');
    const old = new Database(path);
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO runs (id, started_at, status, target) VALUES ('r1', '2026-01-01T00:00:00.000Z', 'running', '/t')`).run();
    for (const id of ['5eed0000', 'a1000001']) {
      old.prepare(`INSERT INTO candidates (id, run_id, generation, parent_id, status) VALUES (?, 'r1', ?, ?, 'passed')`)
        .run(id, id === '5eed0000' ? 0 : 1, id === '5eed0000' ? null : '5eed0000');
    }
    old.close();

    // A reader of the old file (watch against an older runner's database) polls every candidate instead.
    const { db: reader } = recordingConnection(path);
    const oldSource = new StoreSource(path, reader);
    expect(oldSource.open('r1').rev).toBe(-1);
    expect(oldSource.changes('r1', -1, 0).candidates).toHaveLength(2);
    reader.close();

    const store = track(openStore(path));
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const revs = () => db.prepare(`SELECT id, rev FROM candidates ORDER BY rowid`).all() as { id: string; rev: number }[];
    expect(revs()).toEqual([{ id: '5eed0000', rev: 1 }, { id: 'a1000001', rev: 2 }]);
    store.updateCandidate('5eed0000', { score: 0.5 });
    expect(revs()[0].rev).toBe(3);
    store.addCandidate({ id: 'b1000001', runId: 'r1', generation: 2, parentId: 'a1000001', branch: null, baseCommit: null });
    expect(revs()[2].rev).toBe(4);
    // Writes that bypass the store (a user's UPDATE) move it too.
    db.prepare(`UPDATE candidates SET goal = 'x' WHERE id = 'a1000001'`).run();
    expect(revs()[1].rev).toBe(5);
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'candidates_run'`).get()).toBeUndefined();
    const indexColumns = (name: string) => db.prepare(`SELECT name FROM pragma_index_info(?)`).pluck().all(name);
    expect(['events_run', 'events_candidate', 'events_log', 'transcripts_candidate'].map(indexColumns))
      .toEqual([['run'], ['candidate'], ['run'], ['candidate_id']]); // on event_rows since schema version 6
    const source = new StoreSource(path, new Database(path, { readonly: true }));
    const opening = source.open('r1');
    expect(opening.rev).toBe(5);
    expect(source.changes('r1', 3, 0).candidates.map((c) => c.id)).toEqual(['b1000001', 'a1000001']);
    source.close();
  });
});
