/**
 * One event of every kind, shaped as the runner writes it (checked against the schemas in src/lineage/events by
 * events.test.ts). Fixtures and benches write their events from these, overriding the fields they care about, so
 * no fixture can invent a shape the runner never writes.
 */
import type { EventData } from '../../src/lineage/events/index.ts';
import type { EventKind } from '../../src/lineage/schema.ts';

const SHA = 'a'.repeat(40);

export const EVENT_SAMPLES: { [K in EventKind]: EventData<K> } = {
  run_started: {
    population: 2, generations: 1, strategy: 'top-k', survivors: 1, concurrency: 2, judge_concurrency: 1,
    allow_failing_seed: false, model: 'claude-sonnet-4-5', budget_usd: 10, candidate_budget_usd: 1, build: null,
    test: 'npm test', head: SHA, sandbox: 'bwrap', sandbox_limits: 'cgroup', agent: null,
  },
  run_finished: { status: 'done', reason: null },
  forked: { parent_id: 'seed0000', branch: 'evolve/r/g1-c0000001', base_commit: SHA, lessons: 0 },
  agent_started: {
    agent: 'built-in', command: 'node agent.mjs', start: 'bundled', bundle_ms: 120, deadline: '2026-01-01T00:10:00.000Z',
    attempt: 1, sandbox: 'bwrap',
  },
  phase: { name: 'plan' },
  model_call: {
    model: 'claude-sonnet-4-5', input_tokens: 1200, output_tokens: 300, cache_read_tokens: 0, cache_write_tokens: 0,
    cost_usd: 0.0081, ms: 900, status: 200, stream: false, attempts: 1, stop_reason: 'end_turn',
  },
  model_retry: { model: 'claude-sonnet-4-5', status: 529, attempt: 1, delay_ms: 500 },
  tool_call: { tool: 'bash', ok: true, ms: 40, summary: 'npm test', source: 'agent' },
  sandbox_denied: { tool: 'bash', what: 'network', detail: 'curl: (6) Could not resolve host', source: 'agent' },
  agent_finished: {
    ok: true, reason: null, goal: 'speed up', exit_code: 0, ms: 9000, claimed: true, success: true,
    summary: 'made it faster', garbage_lines: 0, context_by_runner: false,
  },
  committed: { sha: 'b'.repeat(40), parent: SHA },
  deps_installed: { ok: true, exit_code: 0, ms: 2000, node_modules: '/work/deps/c0000001/node_modules' },
  checked: { ok: true, files: 1, diff_added: 10, diff_removed: 2, stubs_added: 0, ms: 15 },
  duplicate: { duplicate_of: 'c0000002', status: 'passed', passed: 12, failed: 0, source: 'vitest', via: 'stdout', ms: 0 },
  built: { ok: true, exit_code: 0, timed_out: false, ms: 1500, output_tail: '' },
  tested: {
    passed: 12, failed: 0, source: 'vitest', via: 'stdout', exit_code: 0, timed_out: false, ms: 3000, restored_files: 0,
    removed_configs: [], output_tail: ' Tests  12 passed (12)',
  },
  judged: { ok: true, runs: 1, ms: 200, objective: 'ops_per_sec', value: 1234.5, metrics: { ops_per_sec: 1234.5 }, spread: { ops_per_sec: 0 } },
  scored: { status: 'passed', score: 1.2, reason: null, diff_added: 10, diff_removed: 2, stubs_added: 0 },
  rejected: { reason: 'empty diff (only agent_context.json or nothing changed)', paths: [] },
  selected: { generation: 1, rank: 1, score: 1.2 },
  pushed: { remote: 'origin', branch: 'evolve/r/g1-c0000001', ci_skip_option: true },
  budget_exhausted: { scope: 'candidate', unit: 'usd', needed: 0.2, remaining: 0.01, model: 'claude-sonnet-4-5', sized_by: 'bytes' },
  model_refused: { path: '/v1/messages', model: 'claude-opus-4', status: 400, reason: 'model claude-opus-4 is not allowed in this run' },
  resumed: { budget_usd: 10, previous_status: 'stopped' },
  error: { message: 'disk full' },
};

/** The sample of `kind` with `fields` over it: what a fixture writes. */
export function sampleEvent<K extends EventKind>(kind: K, fields: Partial<EventData<K>> = {}): EventData<K> {
  return { ...EVENT_SAMPLES[kind], ...fields };
}
