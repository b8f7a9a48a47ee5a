/**
 * A target whose own tests fail at HEAD. By default the run stops right after judging the seed: status failed, the
 * reason with the output's first error line, the end of the output on the console, exit 1, no child forked and no
 * model call made. With --allow-failing-seed the seed is recorded as what it is (failed, with the reason and an
 * `error` event), it parents the first generation, and a child that fixes the bug passes and becomes the best.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, tempDir } from './helpers.ts';
import { makeToyRepo, planScript } from './toy.ts';

const KEY = 'sk-ant-seed-suite-key';
let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

const brokenMul = () => makeToyRepo({
  'lib/mul.mjs': 'export const mul = (a, b) => a + b;\n',
  'tests/mul.mjs': "import { mul } from '../lib/mul.mjs';\nexport default () => { if (mul(2, 3) !== 6) throw new Error('mul'); };\n",
});
const sandboxFlags = () => (process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : []);

it('stops a run whose seed fails its own tests before forking any child, saying why', async () => {
  const repo = brokenMul();
  const db = path.join(tempDir(), 'lineage.db');
  standin = await startStandin({ apiKey: KEY, script: planScript(() => ({ goal: 'never asked' })) });
  const run = await evolve(['--population', '2', '--generations', '3', '--no-tui', '--target', repo, '--db', db, ...sandboxFlags()],
    { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toContain('a failing seed stops the run');
  // The reason names the output's first error line, and the end of the output follows.
  expect(run.stderr).toMatch(/the seed itself does not pass: tests failed \(1 failed, exit 1\): FAIL mul\.mjs mul — stopping before any child is forked/);
  expect(run.stderr).toMatch(/\| 1 passed, 1 failed/);
  expect(run.stderr).toContain('--allow-failing-seed');
  expect(standin.requests).toHaveLength(0);

  const sql = new Database(db, { readonly: true });
  try {
    const runRow = sql.prepare('SELECT status, stop_reason FROM runs').get() as { status: string; stop_reason: string };
    expect(runRow.status).toBe('failed');
    expect(runRow.stop_reason).toMatch(/^the seed itself does not pass: tests failed/);
    const rows = sql.prepare('SELECT generation, status, error FROM candidates').all() as { generation: number; status: string; error: string }[];
    expect(rows).toEqual([{ generation: 0, status: 'failed', error: 'tests failed (1 failed, exit 1): FAIL mul.mjs mul' }]);
    const forked = sql.prepare("SELECT count(*) AS n FROM events WHERE kind = 'forked'").get() as { n: number };
    expect(forked.n).toBe(0);
  } finally {
    sql.close();
  }
});

it('with --allow-failing-seed records a failing seed as failed, keeps it as the parent, and lets a fixing child pass', async () => {
  const repo = brokenMul();
  const db = path.join(tempDir(), 'lineage.db');
  standin = await startStandin({
    apiKey: KEY,
    script: planScript(() => ({ goal: 'fix mul', summary: 'mul multiplies', files: { 'lib/mul.mjs': 'export const mul = (a, b) => a * b;\n' } })),
  });
  const run = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--allow-failing-seed', ...sandboxFlags()],
    { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain('a failing seed parents generation 1 (--allow-failing-seed)');
  expect(run.stderr).toMatch(/the seed itself does not pass/);

  const sql = new Database(db, { readonly: true });
  try {
    const rows = sql.prepare('SELECT * FROM candidates ORDER BY generation').all() as
      { id: string; generation: number; parent_id: string | null; status: string; survived: number; tests_passed: number; tests_failed: number; error: string | null }[];
    const [seed, child] = rows;
    expect(seed).toMatchObject({ generation: 0, status: 'failed', survived: 1, tests_passed: 1, tests_failed: 1 });
    expect(seed.error).toMatch(/test/i);
    expect(child).toMatchObject({ generation: 1, parent_id: seed.id, status: 'passed', survived: 1, tests_passed: 2, tests_failed: 0 });
    const events = sql.prepare("SELECT kind, data_json FROM events WHERE candidate_id = ? AND kind IN ('error', 'scored') ORDER BY id").all(seed.id) as { kind: string; data_json: string }[];
    expect(events.map((e) => e.kind)).toEqual(['error', 'scored']);
    expect(JSON.parse(events[0].data_json)).toMatchObject({ stops_run: false });
    expect(JSON.parse(events[1].data_json)).toMatchObject({ status: 'failed', seed: true });
  } finally {
    sql.close();
  }
});
