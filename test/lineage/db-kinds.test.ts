/**
 * `--db` pointing at SQLite files that are not (yet) lineage: another application's database is "not a lineage
 * database" for every command and left untouched; an SQLite file without any tables is where a run may start.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evolveInProcess } from './cli-helpers.ts';

let dir: string;
let repo: string;
let foreign: string;
let blank: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-dbkinds-'));
  repo = path.join(dir, 'repo');
  execFileSync('git', ['init', '-q', repo]);
  writeFileSync(path.join(repo, 'package.json'), '{"name":"x"}\n'); // no test script: the run stops right after the db check
  execFileSync('git', ['-C', repo, 'add', '.']);
  execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init']);
  foreign = path.join(dir, 'app.db');
  const f = new Database(foreign);
  f.exec('CREATE TABLE notes (body TEXT)');
  f.close();
  blank = path.join(dir, 'blank.db');
  const b = new Database(blank);
  b.exec('VACUUM');
  b.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (db: string) => spawnSync(process.execPath, [path.resolve('bin/evolve.mjs'), '--population', '1', '--generations', '1', '--target', repo, '--db', db, '--no-tui'], {
  encoding: 'utf8', env: { ...process.env, ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
});

it('calls another application\'s database "not a lineage database" in lineage and run, and leaves it alone', async () => {
  const message = `${foreign} is an SQLite database but not a lineage database (it has table notes); left untouched`;
  const r = await evolveInProcess(['lineage', '--db', foreign]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`evolve: ${message}\n`);
  const started = run(foreign);
  expect(started.stderr).toBe(`evolve: ${message}\n`);
  expect(started.status).toBe(2);
  const f = new Database(foreign, { readonly: true });
  expect(f.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['notes']);
  f.close();
});

it('lets a run start in an SQLite file without tables (it is not refused as "no lineage yet")', () => {
  const started = run(blank);
  expect(started.stderr).not.toMatch(/holds no lineage yet/);
  expect(started.stderr).toMatch(/no test command/);
});
