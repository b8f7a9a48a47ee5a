/**
 * API faults over a whole run: the stand-in answers every third request with 529 overloaded. The proxy retries
 * (model_retry events), the agents carry on, and the run completes with every candidate recorded and finished.
 * An API that answers no call at all (a refused key) stops the run after the first generation, failed, with the
 * API's answer as the reason, instead of ending "done" with every child rejected for an empty diff.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { demoModel } from '../../src/demo/model.ts';
import { createSampleRepo } from '../../src/demo/sample-repo.ts';
import { apiError, overloaded, startStandin, type Script } from '../../src/standin/index.ts';
import { evolve } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a model API failing every third request with 529: the run completes with every candidate recorded', async () => {
  const repo = path.join(dir, 'textkit');
  createSampleRepo(repo);
  const model = demoModel();
  let faults = 0;
  const flaky: Script = (request, ctx) => {
    if (ctx.index % 3 === 2) {
      faults++;
      return overloaded();
    }
    return model(request, ctx);
  };
  const standin = await startStandin({ script: flaky });
  try {
    const db = path.join(dir, 'lineage.db');
    const run = await evolve(['--population', '3', '--generations', '2', '--no-tui', '--target', repo, '--db', db],
      { ANTHROPIC_API_KEY: 'sk-ant-upstream-key', ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    expect(faults).toBeGreaterThan(3);

    const sql = new Database(db, { readonly: true });
    expect((sql.prepare('SELECT status FROM runs').get() as { status: string }).status).toBe('done');
    const children = sql.prepare('SELECT status, model_calls FROM candidates WHERE generation > 0').all() as { status: string; model_calls: number }[];
    expect(children).toHaveLength(6);
    for (const c of children) {
      expect(['passed', 'failed']).toContain(c.status);
      expect(c.model_calls).toBeGreaterThan(0);
    }
    expect(children.filter((c) => c.status === 'passed').length).toBeGreaterThanOrEqual(4);
    const retries = sql.prepare("SELECT data_json FROM events WHERE kind = 'model_retry'").all() as { data_json: string }[];
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((r) => JSON.parse(r.data_json).status === 529)).toBe(true);
    sql.close();
  } finally {
    await standin.close();
  }
}, 240_000);

test('a model API that answers no call: the run stops failed after generation 1, saying why', async () => {
  const repo = path.join(dir, 'refused');
  createSampleRepo(repo);
  let requests = 0;
  const refusing: Script = () => {
    requests++;
    return apiError(401, 'invalid x-api-key', { type: 'authentication_error' });
  };
  const standin = await startStandin({ script: refusing });
  try {
    const db = path.join(dir, 'refused.db');
    const run = await evolve(['--population', '2', '--generations', '3', '--no-tui', '--target', repo, '--db', db],
      { ANTHROPIC_API_KEY: 'sk-ant-upstream-key', ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(1);
    expect(requests).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/the model API answered none of generation 1's \d+ calls? \(last: upstream answered 401\)/);
    const sql = new Database(db, { readonly: true });
    const runRow = sql.prepare('SELECT status, stop_reason FROM runs').get() as { status: string; stop_reason: string };
    expect(runRow.status).toBe('failed');
    expect(runRow.stop_reason).toMatch(/--resume/);
    // Generation 2 was never forked: nothing more was spent on an API that refuses every call.
    expect((sql.prepare('SELECT max(generation) AS g FROM candidates').get() as { g: number }).g).toBe(1);
    sql.close();
  } finally {
    await standin.close();
  }
}, 240_000);
