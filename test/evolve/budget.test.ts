/**
 * Budgets as the runner sees them: the proxy refuses calls (HTTP 402), candidates end as budget_exhausted, a spent
 * run budget stops the run before the next generation, and --resume with a larger budget finishes it.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, tempDir } from './helpers.ts';
import { makeToyRepo, passingPlan, planScript } from './toy.ts';

const KEY = 'sk-ant-budget-suite-key';
let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

function read(db: string) {
  const sql = new Database(db, { readonly: true });
  try {
    return {
      run: sql.prepare('SELECT status, stop_reason FROM runs').get() as { status: string; stop_reason: string | null },
      rows: sql.prepare('SELECT generation, status FROM candidates WHERE generation > 0 ORDER BY generation').all() as { generation: number; status: string }[],
    };
  } finally {
    sql.close();
  }
}

describe('budgets', () => {
  it('a spent candidate budget ends the candidate as budget_exhausted; the run goes on', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    standin = await startStandin({ script: planScript((i) => passingPlan(i)), apiKey: KEY });
    const run = await evolve(['--population', '2', '--generations', '2', '--candidate-budget-usd', '0.0001', '--no-tui', '--target', repo, '--db', db],
      { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    const { run: r, rows } = read(db);
    expect(r.status).toBe('done');
    expect(rows.map((x) => x.status)).toEqual(['budget_exhausted', 'budget_exhausted', 'budget_exhausted', 'budget_exhausted']);
    // refused at the proxy (it may count the prompt's tokens upstream first), never forwarded as a message
    expect(standin.requests.filter((q) => q.path === '/v1/messages')).toHaveLength(0);
  });

  it('a spent run budget stops the run after the generation in flight; --resume with more budget finishes it', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    standin = await startStandin({ script: planScript((i) => passingPlan(i)), apiKey: KEY });
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url };
    const run = await evolve(['--population', '2', '--generations', '2', '--budget-usd', '0.0001', '--no-tui', '--target', repo, '--db', db], env);
    expect(run.code, run.stderr).toBe(0);
    let state = read(db);
    expect(state.run).toEqual({ status: 'stopped', stop_reason: 'run budget exhausted' });
    expect(state.rows.map((x) => [x.generation, x.status])).toEqual([[1, 'budget_exhausted'], [1, 'budget_exhausted']]);

    const resumed = await evolve(['--resume', '--budget-usd', '5', '--no-tui', '--db', db], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    state = read(db);
    expect(state.run.status).toBe('done');
    expect(state.rows.map((x) => [x.generation, x.status])).toEqual([[1, 'budget_exhausted'], [1, 'budget_exhausted'], [2, 'passed'], [2, 'passed']]);
  });
});
