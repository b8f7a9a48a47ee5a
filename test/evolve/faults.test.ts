/**
 * API faults over a whole run: the stand-in answers every third request with 529 overloaded. The proxy retries
 * (model_retry events), the agents carry on, and the run completes with every candidate recorded and finished.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { demoModel } from '../../src/demo/model.ts';
import { createSampleRepo } from '../../src/demo/sample-repo.ts';
import { overloaded, startStandin, type Script } from '../../src/standin/index.ts';
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
