/**
 * Audit: every token and dollar accounted for, through the real runner. Three candidates at once, each making
 * several calls (plain, cached, streamed), under a run budget that runs out mid-run: per-call events must sum exactly
 * to the candidates' totals, each call's cost must be the price table × its usage, spend never passes the budget,
 * the run stops and resumes to contract 2's shape.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, type Price } from '../../src/evolve/proxy/prices.ts';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { passingPlan } from '../evolve/toy.ts';
import { evolve, git, tempDir } from '../evolve/helpers.ts';
import { makeHostileRepo, hostileScript, type HostilePlan } from '../evolve/hostile-toy.ts';

const REAL_KEY = 'sk-ant-qa-accounting-real-key-88888888888';
const BUDGET = 0.05;

/** Five more calls: a cached system prompt (a write, then reads) and a streamed one read to the end. */
const CALLS = `
const call = async (extra) => {
  const res = await fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: process.env.EVOLVE_MODEL, max_tokens: 300,
      system: [{ type: 'text', text: 'You are a careful engineer. '.repeat(200), cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'go on' }], ...extra }),
  });
  await res.text();
  if (res.status === 402) return false;
  return true;
};
for (let i = 0; i < 4; i++) if (!(await call({}))) return;
await call({ stream: true });
`;

const plan = (n: number): HostilePlan => ({ ...passingPlan(n), js: CALLS });

let standin: Standin;
let repo: string;
let db: string;
let first: { code: number | null; stderr: string };
let resumed: { code: number | null; stderr: string };
let afterFirst: { status: string; spent: number; maxCall: number };

type Row = { id: string; generation: number; status: string; survived: number; parent_id: string | null; input_tokens: number; output_tokens: number;
  cache_read_tokens: number; cache_write_tokens: number; cost_usd: number; model_calls: number; commit_sha: string | null; diff_added: number | null };

function snapshot() {
  const sql = new Database(db, { readonly: true });
  const run = sql.prepare('SELECT * FROM runs').get() as { id: string; status: string; config_json: string; stop_reason: string | null };
  const rows = sql.prepare('SELECT * FROM candidates ORDER BY generation, id').all() as Row[];
  const calls = (sql.prepare("SELECT candidate_id, data_json FROM events WHERE kind = 'model_call' ORDER BY id").all() as { candidate_id: string; data_json: string }[])
    .map((e) => ({ candidate: e.candidate_id, ...JSON.parse(e.data_json) }));
  sql.close();
  return { run, rows, calls };
}

beforeAll(async () => {
  let n = 0;
  standin = await startStandin({ script: hostileScript(() => plan(++n)), apiKey: REAL_KEY });
  repo = makeHostileRepo();
  db = path.join(tempDir(), 'lineage.db');
  const env = { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url };
  first = await evolve(['--population', '3', '--generations', '3', '--concurrency', '3', '--budget-usd', String(BUDGET), '--no-tui', '--target', repo, '--db', db], env);
  const s = snapshot();
  afterFirst = { status: s.run.status, spent: s.rows.reduce((a, r) => a + r.cost_usd, 0), maxCall: Math.max(...s.calls.map((c) => c.cost_usd)) };
  resumed = await evolve(['--resume', '--budget-usd', '5', '--no-tui', '--db', db], env);
}, 180_000);
afterAll(async () => {
  await standin?.close();
});

describe('accounting through the real runner', () => {
  it('a tiny run budget stops the run (exit 0, status stopped) without spending past it', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(afterFirst.status).toBe('stopped');
    expect(afterFirst.spent).toBeGreaterThan(0);
    expect(afterFirst.spent).toBeLessThanOrEqual(BUDGET);
  });

  it('resumes to contract 2 shape: 1 seed + population × generations, survivors marked in every generation', () => {
    expect(resumed.code, resumed.stderr).toBe(0);
    const { run, rows } = snapshot();
    expect(run.status).toBe('done');
    expect(rows.filter((r) => r.generation === 0)).toHaveLength(1);
    expect(rows.filter((r) => r.generation > 0)).toHaveLength(9);
    for (const g of [0, 1, 2, 3]) expect(rows.filter((r) => r.generation === g && r.survived === 1).length, `generation ${g}`).toBeGreaterThan(0);
    for (const r of rows) {
      expect(['passed', 'failed', 'rejected', 'budget_exhausted', 'error']).toContain(r.status);
      if (r.survived) expect(r.status).toBe('passed');
    }
    for (const r of rows.filter((x) => x.generation > 0 && x.commit_sha)) expect(git(repo, 'rev-parse', `evolve/${run.id}/g${r.generation}-${r.id}`)).toBe(r.commit_sha);
  });

  it('per-call model_call events sum exactly to every candidate total, and each cost is price × usage', () => {
    const { run, rows, calls } = snapshot();
    const prices = JSON.parse(run.config_json).prices as Record<string, Price>;
    const model = JSON.parse(run.config_json).model as string;
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.some((c) => c.cache_read_tokens > 0)).toBe(true);
    expect(calls.some((c) => c.cache_write_tokens > 0)).toBe(true);
    for (const c of calls) {
      expect(c.model).toBe(model);
      if (c.usage_unknown) continue;
      expect(c.cost_usd).toBeCloseTo(costOf({ inputTokens: c.input_tokens, outputTokens: c.output_tokens, cacheReadTokens: c.cache_read_tokens, cacheWriteTokens: c.cache_write_tokens }, prices[model]), 12);
    }
    for (const r of rows) {
      const mine = calls.filter((c) => c.candidate === r.id);
      const sum = (k: string) => mine.reduce((a, c) => a + c[k], 0);
      expect(r.model_calls, r.id).toBe(mine.length);
      expect(r.input_tokens).toBe(sum('input_tokens'));
      expect(r.output_tokens).toBe(sum('output_tokens'));
      expect(r.cache_read_tokens).toBe(sum('cache_read_tokens'));
      expect(r.cache_write_tokens).toBe(sum('cache_write_tokens'));
      expect(r.cost_usd).toBeCloseTo(sum('cost_usd'), 12);
    }
    // the upstream saw exactly the calls recorded (nothing unmetered), always with the real key
    const billed = standin.requests.filter((q) => q.path?.endsWith('/v1/messages') ?? true);
    expect(billed.length).toBeGreaterThanOrEqual(calls.length);
    for (const q of standin.requests) expect(q.headers['x-api-key']).toBe(REAL_KEY);
  });

  it('the run summary states the totals the rows hold', () => {
    const { rows } = snapshot();
    const total = rows.reduce((a, r) => a + r.cost_usd, 0);
    expect(resumed.stderr).toContain(`$${total.toFixed(4)}`);
  });
});
