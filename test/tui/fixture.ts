import Database from 'better-sqlite3';
import type { EventData } from '../../src/lineage/events/index.ts';
import { MIGRATIONS, type CandidateRow, type EventKind, type RunRow } from '../../src/lineage/schema.ts';
import { openStore } from '../../src/lineage/store.ts';
import { sampleEvent } from '../lineage/event-samples.ts';

/**
 * Realistic lineage data for the TUI's tests, the tmux test, and the bench: the run and candidate rows written with
 * plain SQL against the schema (every column typed as CandidateRow), the events through the store, which checks each
 * against its kind's schema, in the shapes the runner writes (test/lineage/event-samples.ts).
 */
export const RUN_ID = '20261125-200501-ab12';

export function candidate(p: Partial<CandidateRow> & { id: string }): CandidateRow {
  return {
    run_id: RUN_ID, generation: 1, parent_id: null, branch: null, base_commit: null, commit_sha: null, goal: null,
    status: 'pending', build_ok: null, tests_passed: null, tests_failed: null, diff_added: null, diff_removed: null,
    score: null, survived: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, started_at: null, finished_at: null,
    error: null, step: 'pending', attempts: 0, phase: null, plan: null, agent_summary: null, agent_success: null,
    cache_read_tokens: 0, cache_write_tokens: 0, model_calls: 0, worker: null, stubs_added: null, duplicate_of: null, objective: null, ...p,
  };
}

export function runRow(p: Partial<RunRow> = {}): RunRow {
  return {
    id: RUN_ID, started_at: '2026-11-25T20:05:01.000Z', finished_at: null, status: 'running', target: '/home/dev/evolve',
    config_json: JSON.stringify({ population: 3, generations: 3, model: 'claude-sonnet-4-5', budgetUsd: 5 }),
    stop_reason: null, ...p,
  };
}

const iso = (base: number, s: number) => new Date(base + s * 1000).toISOString();

/** A seed and 3 generations × 3: passed, failed, rejected, survivors, one running, one evaluating, one pending. */
export function fixtureRows(base = Date.parse('2026-11-25T20:05:01Z')): { run: RunRow; candidates: CandidateRow[] } {
  const t = (s: number) => iso(base, s);
  const br = (g: number, id: string) => `evolve/${RUN_ID}/g${g}-${id}`;
  const done = (id: string, g: number, parent: string, s: number, p: Partial<CandidateRow>) =>
    candidate({ id, generation: g, parent_id: parent, branch: br(g, id), started_at: t(s), finished_at: t(s + 95), step: 'selected', ...p });
  const rows: CandidateRow[] = [
    candidate({ id: 'seed0000', generation: 0, status: 'passed', survived: 1, score: 0.5, started_at: t(0), finished_at: t(4), commit_sha: '9f1c2e7', step: 'selected' }),
    done('a1b2c3d4', 1, 'seed0000', 5, { status: 'passed', survived: 1, score: 0.71, goal: 'Cache parsed configs between runs to cut start-up time', plan: '1. Find config loading\n2. Add an LRU cache\n3. Test cache hits', build_ok: 1, tests_passed: 42, tests_failed: 0, diff_added: 58, diff_removed: 12, input_tokens: 41200, output_tokens: 6100, cost_usd: 0.21 }),
    done('b5e6f708', 1, 'seed0000', 6, { status: 'passed', survived: 1, score: 0.64, goal: 'Add retries with backoff to the HTTP client', build_ok: 1, tests_passed: 41, tests_failed: 0, diff_added: 34, diff_removed: 3, input_tokens: 38000, output_tokens: 5000, cost_usd: 0.18 }),
    done('c9d0e1f2', 1, 'seed0000', 7, { status: 'failed', score: 0.1, goal: 'Rewrite the scheduler around worker threads', build_ok: 1, tests_passed: 30, tests_failed: 11, diff_added: 410, diff_removed: 220, input_tokens: 90000, output_tokens: 14000, cost_usd: 0.44, error: 'tests failed: 11 of 41' }),
    done('d3e4f5a6', 2, 'a1b2c3d4', 110, { status: 'passed', survived: 1, score: 0.83, goal: 'Stream tool output instead of buffering it', build_ok: 1, tests_passed: 45, tests_failed: 0, diff_added: 77, diff_removed: 40, input_tokens: 52000, output_tokens: 7000, cost_usd: 0.26 }),
    done('e7f8a9b0', 2, 'a1b2c3d4', 111, { status: 'rejected', goal: 'Delete slow integration tests', diff_added: 0, diff_removed: 120, input_tokens: 12000, output_tokens: 900, cost_usd: 0.05, error: 'rejected: fewer tests than the parent (38 < 42)' }),
    done('f1a2b3c4', 2, 'b5e6f708', 112, { status: 'passed', survived: 1, score: 0.69, goal: 'Validate CLI flags with zod before the run starts', build_ok: 1, tests_passed: 44, tests_failed: 0, diff_added: 25, diff_removed: 9, input_tokens: 30000, output_tokens: 4000, cost_usd: 0.15 }),
    candidate({ id: '0a1b2c3d', generation: 3, parent_id: 'd3e4f5a6', branch: br(3, '0a1b2c3d'), status: 'running', phase: 'modify', step: 'agent_running', started_at: t(215), goal: 'Parallelise candidate evaluation across cores', plan: '1. Split evaluate() per candidate\n2. Use a pool sized to the CPUs', input_tokens: 21000, output_tokens: 2500, cost_usd: 0.1 }),
    candidate({ id: '4e5f6a7b', generation: 3, parent_id: 'd3e4f5a6', branch: br(3, '4e5f6a7b'), status: 'evaluating', step: 'committed', started_at: t(216), goal: 'Shrink the lineage export with gzip', diff_added: 19, diff_removed: 2, input_tokens: 15000, output_tokens: 1800, cost_usd: 0.07 }),
    candidate({ id: '8c9d0e1f', generation: 3, parent_id: 'f1a2b3c4', branch: br(3, '8c9d0e1f'), status: 'pending', step: 'forked' }),
  ];
  return { run: runRow({ started_at: t(0) }), candidates: rows };
}

function createDb(path: string, run: RunRow, candidates: CandidateRow[]): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  MIGRATIONS.forEach((sql) => db.exec(sql));
  db.pragma(`user_version = ${MIGRATIONS.length}`);
  db.prepare('INSERT INTO runs (id, started_at, finished_at, status, target, config_json) VALUES (@id, @started_at, @finished_at, @status, @target, @config_json)').run(run);
  const cols = Object.keys(candidates[0]);
  const insert = db.prepare(`INSERT INTO candidates (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`);
  db.transaction(() => candidates.forEach((c) => insert.run(c)))();
  return db;
}

/** A lineage.db with `n` synthetic candidates and a few tool calls each (for the bench). */
export function writeSyntheticDb(path: string, n: number): string {
  const rows = syntheticRows(n);
  createDb(path, runRow({ config_json: JSON.stringify({ population: 10, generations: Math.ceil(n / 10), model: 'm', budgetUsd: 500 }) }), rows).close();
  const store = openStore(path);
  const at = '2026-11-25T20:06:00.000Z';
  store.transaction(() => rows.forEach((c) => [1, 2, 3].forEach((k) => store.appendEvent({
    runId: RUN_ID, candidateId: c.id, kind: 'tool_call', at, data: sampleEvent('tool_call', { ms: k * 100, summary: `step ${k}` }),
  }))));
  store.close();
  return RUN_ID;
}

/** Writes the fixture as lineage.db at `path` (WAL, migrated, user_version set) and returns the run id. */
export function writeFixtureDb(path: string, opts: { base?: number; config?: object; finished?: boolean } = {}): string {
  const base = opts.base ?? Date.now() - 6 * 60_000;
  const { run, candidates } = fixtureRows(base);
  const db = createDb(path, {
    ...run, finished_at: opts.finished ? iso(base, 400) : null, status: opts.finished ? 'done' : 'running',
    config_json: opts.config ? JSON.stringify(opts.config) : run.config_json,
  }, candidates).close();
  const events: { s: number; write: () => void }[] = [];
  const add = <K extends EventKind>(cid: string | null, s: number, kind: K, data: Partial<EventData<K>> = {}) =>
    events.push({ s, write: () => store.appendEvent({ runId: RUN_ID, candidateId: cid, at: iso(base, s), kind, data: sampleEvent(kind, data) }) });
  add(null, 0, 'run_started', { population: 3, generations: 3, head: '9f1c2e7' });
  for (const c of candidates.filter((x) => x.generation > 0 && x.started_at)) {
    const s = (Date.parse(c.started_at!) - base) / 1000;
    add(c.id, s, 'forked', { parent_id: c.parent_id!, branch: c.branch! });
    add(c.id, s + 1, 'agent_started');
    add(c.id, s + 2, 'phase', { name: 'plan' });
    add(c.id, s + 8, 'model_call', { model: 'claude-sonnet-4-5', input_tokens: c.input_tokens, output_tokens: c.output_tokens, cost_usd: c.cost_usd });
    add(c.id, s + 10, 'tool_call', { tool: 'bash', ok: true, ms: 840, summary: 'rg -n "loadConfig" src' });
    add(c.id, s + 20, 'tool_call', { tool: 'str_replace_based_edit_tool', ok: true, ms: 12, summary: 'str_replace src/config.ts' });
    add(c.id, s + 30, 'tool_call', { tool: 'bash', ok: c.status !== 'failed', ms: 5100, summary: 'npm test' });
    if (c.finished_at) {
      add(c.id, s + 60, 'agent_finished', { goal: c.goal, success: c.status === 'passed' });
      add(c.id, s + 70, 'built', { ok: c.build_ok === 1, ms: 3200 });
      if (c.tests_passed != null) add(c.id, s + 90, 'tested', { passed: c.tests_passed, failed: c.tests_failed ?? 0, exit_code: c.tests_failed ? 1 : 0, ms: 8000 });
      add(c.id, s + 95, 'scored', { status: c.status, score: c.score, reason: c.error });
    }
  }
  // One `selected` per survivor, in rank order, as the runner writes them.
  const survivors = (generation: number) => candidates.filter((c) => c.generation === generation && c.survived).sort((a, b) => b.score! - a.score!);
  survivors(1).forEach((c, i) => add(c.id, 105, 'selected', { generation: 1, rank: i + 1, score: c.score }));
  survivors(2).forEach((c, i) => add(c.id, 210, 'selected', { generation: 2, rank: i + 1, score: c.score }));
  if (opts.finished) add(null, 400, 'run_finished', { status: 'done' });
  // In the order they happened, as the runner appends them.
  const store = openStore(path);
  store.transaction(() => events.sort((a, b) => a.s - b.s).forEach((e) => e.write()));
  store.close();
  return run.id;
}

/** `n` synthetic candidates (population 10 per generation, two survivors each) for the bench and scroll tests. */
export function syntheticRows(n: number): CandidateRow[] {
  const statuses = ['passed', 'failed', 'rejected', 'passed', 'error', 'passed', 'budget_exhausted', 'failed', 'passed', 'passed'] as const;
  const rows = [candidate({ id: 'seed0000', generation: 0, status: 'passed', survived: 1, score: 0.5 })];
  let parents = ['seed0000'];
  for (let i = 1, g = 1; rows.length < n; g++) {
    const gen: CandidateRow[] = [];
    for (let k = 0; k < 10 && rows.length + gen.length < n; k++, i++) {
      const status = statuses[k % statuses.length];
      gen.push(candidate({
        id: i.toString(16).padStart(8, '0'), generation: g, parent_id: parents[k % parents.length], status,
        score: status === 'passed' ? 0.5 + ((i * 37) % 50) / 100 : 0.1, goal: `Improvement number ${i}: make the thing measurably faster`,
        diff_added: (i * 7) % 300, diff_removed: (i * 3) % 90, cost_usd: 0.1 + (i % 7) / 50, input_tokens: 20000, output_tokens: 3000,
      }));
    }
    const passed = gen.filter((c) => c.status === 'passed').sort((a, b) => b.score! - a.score!).slice(0, 2);
    for (const p of passed) p.survived = 1;
    if (passed.length) parents = passed.map((p) => p.id);
    rows.push(...gen);
  }
  return rows;
}
