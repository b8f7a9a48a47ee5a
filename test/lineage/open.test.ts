import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../src/lineage/store.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/lineage/schema.ts';
import { migrate } from '../../src/lineage/migrate.ts';
import { UsageError } from '../../src/errors.ts';
import { buildSampleStore, tempDir, track } from './fixtures.ts';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain('\n');
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('opening a lineage database', () => {
  it('creates a new file in WAL mode with foreign keys, a busy timeout and the current schema version', () => {
    const path = join(tempDir(), 'new.db');
    const store = track(openStore(path));
    expect(existsSync(path)).toBe(true);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
  });

  it('treats an empty 0-byte file as a new database', () => {
    const path = join(tempDir(), 'empty.db');
    writeFileSync(path, '');
    const store = track(openStore(path));
    expect(store.listRuns()).toEqual([]);
  });

  it('reopens an existing database without migrating twice', () => {
    const { store, path } = buildSampleStore();
    store.close();
    const again = track(openStore(path));
    expect(again.listRuns()).toHaveLength(2);
  });

  it('refuses a file that is not SQLite and leaves its bytes alone', () => {
    const dir = tempDir();
    for (const [name, bytes] of [
      ['notes.txt', Buffer.from('these are my notes, not a database\n'.repeat(100))],
      ['short.bin', Buffer.from('SQLite')],
      ['almost.db', Buffer.concat([Buffer.from('SQLite format 3', 'latin1'), Buffer.alloc(4096, 'x')])],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      for (const readonly of [false, true]) {
        const err = usageError(() => openStore(path, { readonly }));
        expect(err.message).toBe(`${path} is not an SQLite database (left untouched)`);
      }
      expect(readFileSync(path).equals(bytes)).toBe(true);
      expect(existsSync(`${path}-wal`)).toBe(false);
    }
  });

  it('refuses a file with the SQLite magic but a garbage header, untouched', () => {
    const path = join(tempDir(), 'garbage.db');
    const bytes = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(8192, 0xff)]);
    writeFileSync(path, bytes);
    for (const readonly of [false, true]) {
      expect(usageError(() => openStore(path, { readonly })).message).toMatch(/is not a valid SQLite database/);
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses an SQLite database of another application untouched', () => {
    const path = join(tempDir(), 'other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE users (name TEXT); INSERT INTO users VALUES (\'ada\')');
    other.close();
    const before = readFileSync(path);
    expect(usageError(() => openStore(path)).message).toMatch(/not a lineage database \(it has table users\)/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a directory, a missing file for readers, and a missing directory for writers', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    expect(usageError(() => openStore(join(dir, 'sub'))).message).toMatch(/is a directory/);
    expect(usageError(() => openStore(join(dir, 'sub'), { readonly: true })).message).toMatch(/is a directory/);
    expect(usageError(() => openStore(join(dir, 'missing.db'), { readonly: true })).message).toMatch(/no such file/);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
    expect(usageError(() => openStore(join(dir, 'nodir', 'x.db'))).message).toMatch(/does not exist/);
  });

  it('refuses an empty file or an unversioned database for readers', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.db'), '');
    expect(usageError(() => openStore(join(dir, 'empty.db'), { readonly: true })).message).toMatch(/empty/);
    const raw = new Database(join(dir, 'v0.db'));
    raw.exec('CREATE TABLE t (x); DROP TABLE t;');
    raw.close();
    expect(usageError(() => openStore(join(dir, 'v0.db'), { readonly: true })).message).toMatch(/no lineage yet/);
  });

  it('refuses a database written by a newer evolve, in both modes, without changing it', () => {
    const { store, path } = buildSampleStore();
    store.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(path);
    for (const readonly of [false, true]) {
      const err = usageError(() => openStore(path, { readonly }));
      expect(err.message).toMatch(new RegExp(`newer evolve \\(schema version ${SCHEMA_VERSION + 1}; .* up to ${SCHEMA_VERSION}\\)`));
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('never writes when opened read-only, even while reading everything', () => {
    const { store, path } = buildSampleStore();
    store.close();
    const before = readFileSync(path);
    const reader = track(openStore(path, { readonly: true }));
    for (const run of reader.listRuns()) {
      reader.tree(run.id);
      reader.generationStats(run.id);
      reader.runEvents(run.id);
    }
    reader.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('migrations', () => {
  it('upgrades an empty version-0 SQLite file', () => {
    const path = join(tempDir(), 'v0.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE t (x); DROP TABLE t;');
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    raw.close();
    const store = track(openStore(path));
    store.createRun({ id: 'r', target: '/', config: {} });
    expect(store.listRuns()).toHaveLength(1);
  });

  it('upgrades an unversioned database with the contract\'s minimum columns, keeping its data', () => {
    const path = join(tempDir(), 'legacy.db');
    const raw = new Database(path);
    raw.exec(`
      CREATE TABLE runs (id TEXT PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT, target TEXT, config_json TEXT);
      CREATE TABLE candidates (id TEXT PRIMARY KEY, run_id TEXT, generation INT, parent_id TEXT, branch TEXT,
        base_commit TEXT, commit_sha TEXT, goal TEXT, status TEXT, build_ok INT, tests_passed INT, tests_failed INT,
        diff_added INT, diff_removed INT, score REAL, survived INT, input_tokens INT, output_tokens INT,
        cost_usd REAL, started_at TEXT, finished_at TEXT, error TEXT);
      CREATE TABLE events (id INTEGER PRIMARY KEY, run_id TEXT, candidate_id TEXT, at TEXT, kind TEXT, data_json TEXT);
      INSERT INTO runs VALUES ('old-run', '2025-01-01T00:00:00Z', NULL, 'done', '/repo', '{}');
      INSERT INTO candidates VALUES ('aaaaaaaa', 'old-run', 0, NULL, NULL, NULL, 'c0', 'seed', 'passed', 1, 5, 0,
        0, 0, 0.5, 1, 10, 20, 0.01, NULL, '2025-01-01T00:01:00Z', NULL);
      INSERT INTO candidates VALUES ('bbbbbbbb', 'old-run', 1, 'aaaaaaaa', 'b', 'c0', 'c1', 'goal', 'passed', 1, 6, 0,
        3, 1, 0.8, 1, 100, 200, 0.1, NULL, '2025-01-01T00:02:00Z', NULL);
      INSERT INTO events (run_id, candidate_id, at, kind, data_json) VALUES ('old-run', 'bbbbbbbb', 'x', 'scored', '{"score":0.8}');
    `);
    raw.close();

    const store = track(openStore(path));
    expect(store.getRun('old-run')).toMatchObject({ status: 'done', target: '/repo', stop_reason: null });
    expect(store.getCandidate('bbbbbbbb')).toMatchObject({
      goal: 'goal', score: 0.8, input_tokens: 100, step: 'pending', attempts: 0, model_calls: 0, cache_read_tokens: 0,
    });
    expect(store.bestLineage('old-run').map((c) => c.id)).toEqual(['aaaaaaaa', 'bbbbbbbb']);
    expect(store.events('bbbbbbbb').map((e) => e.kind)).toEqual(['scored']);
    // The new columns and the new table work for the runner.
    store.updateCandidate('bbbbbbbb', { step: 'pushed', phase: 'done' });
    store.recordModelCall({
      runId: 'old-run', candidateId: 'bbbbbbbb', model: 'm', inputTokens: 1, outputTokens: 1, cacheReadTokens: 1,
      cacheWriteTokens: 1, costUsd: 0,
    });
    store.addTranscript({ runId: 'old-run', candidateId: 'bbbbbbbb', request: {}, response: {} });
    expect(store.getCandidate('bbbbbbbb')).toMatchObject({ step: 'pushed', model_calls: 1, input_tokens: 101 });
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('applies later migrations in order, and a failing one leaves the database at the last good version', () => {
    const { store, path } = buildSampleStore();
    store.close();
    const db = new Database(path);
    const next = [...MIGRATIONS, `ALTER TABLE candidates ADD COLUMN note TEXT DEFAULT 'n/a'`];
    migrate(db, path, next);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(db.prepare(`SELECT note, goal FROM candidates WHERE id = 'a1000001'`).get()).toEqual({
      note: 'n/a', goal: 'Add retries to the HTTP client',
    });
    const broken = [...next, `ALTER TABLE candidates ADD COLUMN extra INT; INSERT INTO nowhere VALUES (1)`];
    expect(() => migrate(db, path, broken)).toThrow(/no such table: nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    const columns = db.prepare(`SELECT name FROM pragma_table_info('candidates')`).pluck().all();
    expect(columns).not.toContain('extra');
    db.close();
  });
});
