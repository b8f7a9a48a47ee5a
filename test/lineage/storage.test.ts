import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MAX_SHAPES } from '../../src/lineage/event-codec.ts';
import { MIGRATIONS, SCHEMA_VERSION, type EventRow } from '../../src/lineage/schema.ts';
import { openStore } from '../../src/lineage/store.ts';
import { StoreSource } from '../../src/tui/source.ts';
import { tempDir, track } from './fixtures.ts';

/** Schema version 6 keeps events compact (event_rows) behind the view `events`: docs/lineage.md, "How events are stored". */

const RUN = '20260101-000000-aaaa';
const hasSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;
const rawDb = (store: ReturnType<typeof openStore>) => (store as unknown as { db: Database.Database }).db;
const viewRows = (db: Database.Database) => db.prepare('SELECT * FROM events ORDER BY id').all() as EventRow[];

/** What the plain sqlite3 CLI (no function of evolve's) prints for a query, as JSON rows. */
function cliRows(path: string, sql: string): unknown[] {
  const out = spawnSync('sqlite3', ['-json', '-readonly', path, sql], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  return out.stdout.trim() === '' ? [] : (JSON.parse(out.stdout) as unknown[]);
}

/** Data of every sort the runner records: labels, numbers, nested objects, nulls, text that needs escaping. */
const SAMPLES: { kind: 'model_call' | 'tool_call' | 'scored' | 'judged' | 'phase' | 'error' | 'built' | 'resumed'; data: Record<string, unknown> }[] = [
  { kind: 'model_call', data: { model: 'claude-sonnet-4-5', input_tokens: 12, output_tokens: 3, cache_read_tokens: 0, cache_write_tokens: 0, cost_usd: 0.000123, ms: 812, status: 200, stream: true } },
  { kind: 'model_call', data: { model: 'claude-sonnet-4-5', input_tokens: 13, output_tokens: 4, cache_read_tokens: 7, cache_write_tokens: 1, cost_usd: 1e-7, ms: 2, status: 529, stream: false, attempts: undefined, error: 'overloaded' } },
  { kind: 'tool_call', data: { tool: 'bash', ok: true, ms: 40, summary: 'grep -rn "retry" src/ && echo \\ done\n\ttab é 日本 \u0001', source: 'agent' } },
  { kind: 'tool_call', data: { tool: 'bash', ok: null, ms: 0, summary: '', source: 'proxy' } },
  { kind: 'scored', data: { status: 'passed', score: -0.5, reason: null, seed: true } },
  { kind: 'judged', data: { ok: true, runs: 3, ms: 10, objective: 'ops', value: 1.5, metrics: { ops: 1.5, 'kb "x"': -2 }, spread: {} } },
  { kind: 'phase', data: { name: 'x'.repeat(200) } },
  { kind: 'error', data: { message: 'é\n"q" \\' } },
  { kind: 'resumed', data: {} },
  { kind: 'built', data: { ok: false, exit_code: 2, timed_out: false, ms: 5, output_tail: 'line\n'.repeat(5000) } },
];

function writeSamples(store: ReturnType<typeof openStore>): void {
  store.createRun({ id: RUN, target: '/t', config: {} });
  store.addCandidate({ id: 'c0ffee01', runId: RUN, generation: 0, parentId: null, branch: null, baseCommit: null });
  for (const s of SAMPLES) store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: s.kind, data: s.data });
  store.appendEvent({ runId: RUN, candidateId: null, kind: 'resumed', data: { budget_usd: 2 }, at: '2026-01-01T00:00:00Z' });
  store.appendEvent({ runId: RUN, candidateId: null, kind: 'run_finished', data: { status: 'done', reason: null }, at: '2026-01-01T01:00:00.000+01:00' });
}

describe('events stored compactly behind the events view (schema version 6)', () => {
  it('takes a user\'s UPDATE and DELETE through the view like the table it was', () => {
    const store = track(openStore(join(tempDir(), 'lineage.db'), { now: () => new Date('2026-03-04T05:06:07.089Z') }));
    writeSamples(store);
    const db = rawDb(store);
    const [first] = store.events('c0ffee01');
    db.prepare(`UPDATE events SET data_json = '{"model":"m","note":"edited"}' WHERE id = ?`).run(first.id);
    db.prepare(`UPDATE events SET at = '2026-05-06T07:08:09.010Z' WHERE id = ?`).run(first.id + 1);
    const [edited, timed] = store.events('c0ffee01');
    expect(edited).toEqual({ ...first, data_json: '{"model":"m","note":"edited"}' });
    expect(timed.at).toBe('2026-05-06T07:08:09.010Z');
    expect(timed.data_json).toBe(JSON.stringify(SAMPLES[1].data)); // untouched columns keep their compact form
    db.prepare('DELETE FROM events WHERE id = ?').run(first.id);
    expect(store.events('c0ffee01').map((r) => r.id)).not.toContain(first.id);
  });

  it('reads back, through the store and the view alike, exactly the JSON the runner wrote', () => {
    const path = join(tempDir(), 'lineage.db');
    const store = track(openStore(path, { now: () => new Date('2026-03-04T05:06:07.089Z') }));
    writeSamples(store);
    const rows = store.events('c0ffee01');
    expect(rows.map((r) => r.data_json)).toEqual(SAMPLES.map((s) => JSON.stringify(s.data)));
    expect(rows[1].data_json).not.toContain('attempts'); // as JSON.stringify leaves out an undefined field
    expect(rows.every((r) => r.at === '2026-03-04T05:06:07.089Z' && r.run_id === RUN && r.candidate_id === 'c0ffee01')).toBe(true);
    // Timestamps not in the canonical form are kept as the text they were.
    expect(store.runEvents(RUN).slice(-2).map((r) => r.at)).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T01:00:00.000+01:00']);
    // The view, as a user's SQLite reads it, agrees with the store's own reads in every column.
    expect(viewRows(rawDb(store))).toEqual(store.runEvents(RUN));
    // Labels (model, tool, ok) are kept once per shape, not in every row.
    const stored = rawDb(store).prepare(`SELECT data FROM event_rows WHERE kind = (SELECT id FROM event_kinds WHERE name = 'model_call')`).pluck().all() as string[];
    expect(stored[0]).toBe('[12,3,0,0,0.000123,812]');
    store.close();
    if (hasSqlite3) {
      expect(cliRows(path, 'SELECT * FROM events ORDER BY id')).toEqual(viewRows(new Database(path, { readonly: true })));
      expect(cliRows(path, `SELECT json_extract(data_json, '$.model') AS model, sum(json_extract(data_json, '$.cost_usd')) AS usd
        FROM events WHERE kind = 'model_call' AND json_extract(data_json, '$.stream') = 1 GROUP BY model`))
        .toEqual([{ model: 'claude-sonnet-4-5', usd: 0.000123 }]);
    }
  });

  it('finds a user\'s per-candidate and per-run rows of the view through an index', () => {
    const store = track(openStore(join(tempDir(), 'lineage.db')));
    writeSamples(store);
    const db = rawDb(store);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as { detail: string }[]).map((r) => r.detail).join(' / ');
    for (const sql of [
      `SELECT at, kind, data_json FROM events WHERE candidate_id = ? ORDER BY id`,
      `SELECT json_extract(data_json, '$.tool') FROM events WHERE candidate_id = ? AND kind = 'tool_call'`,
      `SELECT * FROM events WHERE run_id = ? AND id > 10 ORDER BY id`,
    ]) {
      expect(plan(sql), sql).toMatch(/SEARCH e USING INDEX events_(candidate|run)/);
      expect(plan(sql), sql).not.toMatch(/SCAN e\b/);
    }
  });

  it('takes writes through the view (INSERT and DELETE as before), refusing an unknown run or candidate', () => {
    const store = track(openStore(join(tempDir(), 'lineage.db')));
    writeSamples(store);
    const db = rawDb(store);
    const insert = db.prepare(`INSERT INTO events (run_id, candidate_id, at, kind, data_json) VALUES (?, ?, ?, ?, ?)`);
    insert.run(RUN, 'c0ffee01', '2026-11-25T20:06:00.000Z', 'tool_call', '{"tool":"bash","ok":false}');
    insert.run(RUN, null, 'yesterday', 'a_kind_of_my_own', '[1,2]');
    const last = store.runEvents(RUN).slice(-2);
    expect(last.map((e) => [e.candidate_id, e.at, e.kind, e.data_json])).toEqual([
      ['c0ffee01', '2026-11-25T20:06:00.000Z', 'tool_call', '{"tool":"bash","ok":false}'],
      [null, 'yesterday', 'a_kind_of_my_own', '[1,2]'],
    ]);
    expect(() => insert.run('nope', null, 'x', 'error', '{}')).toThrow(/FOREIGN KEY/);
    expect(() => insert.run(RUN, 'nope', 'x', 'error', '{}')).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM events WHERE kind = 'a_kind_of_my_own'`).run();
    expect(store.runEvents(RUN).map((e) => e.kind)).not.toContain('a_kind_of_my_own');
  });

  it('forgets the kinds and shapes of a rolled-back transaction', () => {
    const store = track(openStore(join(tempDir(), 'lineage.db')));
    writeSamples(store);
    expect(() => store.transaction(() => {
      store.appendEvent({ runId: RUN, candidateId: null, kind: 'pushed', data: { remote: 'origin', branch: 'b', ci_skip_option: false } });
      throw new Error('crash');
    })).toThrow('crash');
    // The same shape again gets a shape that exists, and an unrelated shape cannot take its place.
    store.appendEvent({ runId: RUN, candidateId: null, kind: 'selected', data: { generation: 1, rank: 2 } });
    store.appendEvent({ runId: RUN, candidateId: null, kind: 'pushed', data: { remote: 'origin', branch: 'b', ci_skip_option: false } });
    const expected = ['{"generation":1,"rank":2}', '{"remote":"origin","branch":"b","ci_skip_option":false}'];
    expect(store.runEvents(RUN).slice(-2).map((e) => e.data_json)).toEqual(expected);
    expect(viewRows(rawDb(store)).slice(-2).map((e) => e.data_json)).toEqual(expected);
  });

  it('files an event under the right candidate after another connection deleted it and added it again', () => {
    const path = join(tempDir(), 'lineage.db');
    const store = track(openStore(path));
    writeSamples(store);
    const other = new Database(path);
    other.exec(`DELETE FROM events; DELETE FROM candidates;
      INSERT INTO candidates (id, run_id, generation, status) VALUES ('c0ffee02', '${RUN}', 0, 'pending'), ('c0ffee01', '${RUN}', 0, 'pending');`);
    other.close();
    // c0ffee02 now has the key c0ffee01 had: the writer's cached key must not send the event there.
    store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: 'phase', data: { name: 'again' } });
    expect(store.events('c0ffee02')).toEqual([]);
    expect(store.events('c0ffee01').map((e) => e.data_json)).toEqual(['{"name":"again"}']);
  });

  it('stops making shapes at MAX_SHAPES (labels an agent chooses cannot bloat the file): the data is kept as text', () => {
    const store = track(openStore(join(tempDir(), 'lineage.db')));
    writeSamples(store);
    store.transaction(() => {
      for (let i = 0; i <= MAX_SHAPES; i++) store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: 'phase', data: { name: `p${i}` } });
    });
    const db = rawDb(store);
    expect(db.prepare('SELECT count(*) FROM event_shapes').pluck().get()).toBe(MAX_SHAPES);
    expect(db.prepare('SELECT data FROM event_rows ORDER BY id DESC LIMIT 1').pluck().get()).toBe(`{"name":"p${MAX_SHAPES}"}`);
    expect(store.events('c0ffee01', { limit: 2 }).map((e) => e.data_json)).toEqual([`{"name":"p${MAX_SHAPES - 1}"}`, `{"name":"p${MAX_SHAPES}"}`]);
  });
});

describe('migration 5 -> 6', () => {
  /** A version-5 file as the previous evolve wrote it, with events of every sort. */
  function version5(path: string, extra = ''): EventRow[] {
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.pragma('foreign_keys = OFF'); // as a user's sqlite3 session has it: an old file may hold what keys forbid
    for (const sql of MIGRATIONS.slice(0, 5)) old.exec(sql);
    old.pragma('user_version = 5');
    old.exec(`
      INSERT INTO runs (id, started_at, status, target) VALUES ('r1', '2026-01-01T00:00:00.000Z', 'done', '/t'), ('r2', '2026-01-02T00:00:00.000Z', 'running', '/t');
      INSERT INTO candidates (id, run_id, generation, parent_id, status) VALUES ('5eed0000', 'r1', 0, NULL, 'passed'), ('a1000001', 'r1', 1, '5eed0000', 'failed'), ('5eed0002', 'r2', 0, NULL, 'running');
      INSERT INTO transcripts (run_id, candidate_id, at, request_gz) VALUES ('r1', 'a1000001', '2026-01-01T00:00:01.000Z', x'00');
      INSERT INTO events (run_id, candidate_id, at, kind, data_json) VALUES
        ('r1', NULL, '2026-01-01T00:00:00.000Z', 'run_started', '{"population":1}'),
        ('r1', '5eed0000', '2026-01-01T00:00:00.250Z', 'scored', '{"score":0.5,"terms":{"a":1}}'),
        ('r1', 'a1000001', '2026-01-01T00:00:01Z', 'model_call', '{"model":"m","cost_usd":0.1,"stream":true}'),
        ('r2', '5eed0002', '2026-01-02 00:00:00', 'tool_call', '{"tool":"bash","summary":"é\\n\\"q\\""}'),
        ('r1', 'a1000001', '2026-01-01T00:00:02.000Z', 'noted_by_hand', 'not json at all'),
        ('r1', NULL, '2026-01-01T00:00:03.000Z', 'run_finished', '{"status":"done"}');
      DELETE FROM events WHERE kind = 'run_finished';
      INSERT INTO events (run_id, candidate_id, at, kind, data_json) VALUES ('r1', NULL, '2026-01-01T00:00:04.000Z', 'run_finished', '{}');
      ${extra}`);
    const rows = old.prepare('SELECT * FROM events ORDER BY id').all() as EventRow[];
    old.close();
    return rows;
  }

  it('carries every event forward with the same columns and values, in one step, and writes on after it', () => {
    const path = join(tempDir(), 'lineage.db');
    const before = version5(path);
    const revs = new Database(path).prepare('SELECT id, rev FROM candidates ORDER BY id').all();
    const store = track(openStore(path));
    const db = rawDb(store);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare(`SELECT type FROM sqlite_schema WHERE name = 'events'`).pluck().get()).toBe('view');
    expect(viewRows(db)).toEqual(before);
    expect(store.events('a1000001')).toEqual(before.filter((e) => e.candidate_id === 'a1000001'));
    expect(store.runEvents('r2')).toEqual(before.filter((e) => e.run_id === 'r2'));
    // The migration gives keys without moving any candidate's rev (a polling reader sees no false change).
    expect(db.prepare('SELECT id, rev FROM candidates ORDER BY id').all()).toEqual(revs);
    const source = new StoreSource(path, new Database(path, { readonly: true }));
    const opening = source.open('r1');
    expect(opening.log.map((e) => e.kind)).toEqual(['run_started', 'run_finished']);
    expect(opening.lastEventId).toBe(before.at(-1)!.id);
    source.close();
    // New rows after the old ones, new candidates with keys of their own.
    store.addCandidate({ id: 'b1000001', runId: 'r1', generation: 2, parentId: 'a1000001', branch: null, baseCommit: null });
    const id = store.appendEvent({ runId: 'r1', candidateId: 'b1000001', kind: 'phase', data: { name: 'plan' } });
    expect(id).toBe(before.at(-1)!.id + 1);
    expect(store.events('b1000001').map((e) => e.data_json)).toEqual(['{"name":"plan"}']);
    expect(db.prepare('SELECT count(DISTINCT n) FROM candidates').pluck().get()).toBe(4);
  });

  it('leaves a file it cannot carry forward as it was (an event of a candidate that is not there)', () => {
    const path = join(tempDir(), 'lineage.db');
    const before = version5(path, `INSERT INTO events (run_id, candidate_id, at, kind) VALUES ('r1', 'gone0000', 'x', 'error');`);
    expect(() => openStore(path)).toThrow(/cannot upgrade schema version 5 to 6 \(FOREIGN KEY constraint failed\); the file is left as it was/);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT * FROM events ORDER BY id').all()).toEqual(before);
    db.close();
  });

  it('lets a read-only reader of a version-5 file read its events as before', () => {
    const path = join(tempDir(), 'lineage.db');
    const before = version5(path);
    const reader = track(openStore(path, { readonly: true }));
    expect(reader.runEvents('r1')).toEqual(before.filter((e) => e.run_id === 'r1'));
    expect(reader.events('a1000001', { limit: 1 })).toEqual([before.filter((e) => e.candidate_id === 'a1000001').at(-1)]);
    expect(reader.runLog('r1').map((e) => e.kind)).toEqual(['run_started', 'run_finished']);
  });
});
