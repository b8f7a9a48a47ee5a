/**
 * A --workdir that cannot be created used to pass the checks: the run was recorded, and then died on the first
 * mkdir with a raw "ENOTDIR: not a directory, mkdir …" (exit 1), leaving a run marked `running` forever. Under
 * /proc it never died: Node's recursive mkdir spins there at full CPU. Both are bad input: one line, exit 2,
 * nothing created.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolveInProcess } from '../lineage/cli-helpers.ts';
import { evolve, tempDir } from './helpers.ts';
import { makeToyRepo, passingPlan, planScript } from './toy.ts';

const KEY = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

describe('a --workdir that cannot be created', () => {
  const file = path.join(tempDir(), 'a-file');
  writeFileSync(file, 'x\n');
  it.each([
    ['under a file', path.join(file, 'work'), /^evolve: --workdir .*a-file\/work: cannot create it \(ENOTDIR\)/],
    ['under /proc', '/proc/evolve-qa-workdir', /^evolve: --workdir \/proc\/evolve-qa-workdir: cannot create it \(E[A-Z]+\)/],
  ])('%s is refused in one line, exit 2, before anything is created', async (_name, workdir, message) => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const r = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--workdir', workdir], KEY);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(existsSync(db)).toBe(false);
  }, 30_000);
});

describe('a --workdir the user already had', () => {
  let standin: Standin | null = null;
  afterEach(async () => {
    await standin?.close();
    standin = null;
  });
  const run = async (workdir: string) => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    standin = await startStandin({ script: planScript((i) => passingPlan(i)), apiKey: 'sk-test' });
    const r = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--workdir', workdir,
      ...(process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [])], { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: standin.url });
    expect(r.code, r.stderr).toBe(0);
    return db;
  };

  it('is never removed, by the run or by evolve clean: only the run\'s own folder in it goes', async () => {
    const workdir = path.join(tempDir(), 'my-workspaces');
    mkdirSync(workdir);
    const db = await run(workdir);
    expect(existsSync(workdir)).toBe(true);
    expect(readdirSync(workdir)).toEqual([]);
    // A crashed run leaves its folder behind; clean removes that folder and leaves the directory it is in.
    const sql = new Database(db, { readonly: true });
    const runId = sql.prepare('SELECT id FROM runs').pluck().get() as string;
    sql.close();
    mkdirSync(path.join(workdir, runId, 'c0ffee01'), { recursive: true });
    const clean = await evolveInProcess(['clean', '--db', db]);
    expect(clean.stdout).toContain(`removing: workspaces of run ${runId}`);
    expect(existsSync(path.join(workdir, runId))).toBe(false);
    expect(existsSync(workdir)).toBe(true);
  }, 60_000);

  it('is removed once empty when evolve created it', async () => {
    const workdir = path.join(tempDir(), 'made-by-evolve');
    await run(workdir);
    expect(existsSync(workdir)).toBe(false);
  }, 60_000);
});
