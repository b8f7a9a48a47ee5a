/**
 * `--agent claude-code` with the REAL Claude Code CLI (pinned in test/fixtures/claude-code, npm ci'd once), through
 * the real jail, relay and proxy, against the stand-in Messages API playing Claude Code's own tools (Write, Bash,
 * parallel Explore subagents). The candidate is judged on the file Claude Code wrote; every call is metered and
 * none refused; its tool calls are events; an Opus run at a real API's latency is not falsely out of budget.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { hardlinkCopy } from '../../src/evolve/repo/workspace.ts';
import { CLAUDE_BIN_DIR, claudeScript, FIXTURE, installClaudeCode } from './claude-code-fixture.ts';
import { evolve, git, tempDir } from './helpers.ts';
import { evolveInProcess } from '../lineage/cli-helpers.ts';
import { makeToyRepo, passingPlan } from './toy.ts';

const KEY = 'sk-ant-upstream-key-for-claude-code-tests';
let version = '';
let standin: Standin | null = null;

beforeAll(() => {
  version = installClaudeCode();
}, 600_000);
afterEach(async () => {
  await standin?.close();
  standin = null;
});

interface Event { kind: string; data: Record<string, any> }

/**
 * `from: 'target'`: Claude Code is a devDependency of the target, whose node_modules (a hardlink copy of the
 * fixture's) lies under /tmp, which the jail hides: it runs only because the runner binds its package folder in.
 * `from: 'path'`: it is on the runner's PATH as a user's npm install puts it, a symlink in node_modules/.bin.
 */
async function runClaude(model: string, delayMs: number, subagents: number, from: 'target' | 'path', extra: string[] = []) {
  const repo = makeToyRepo();
  if (from === 'target') await hardlinkCopy(path.join(FIXTURE, 'node_modules'), path.join(repo, 'node_modules'));
  const db = path.join(tempDir(), 'lineage.db');
  const feature = passingPlan(1);
  const play = { files: feature.files!, commands: ['node run-tests.mjs', 'touch /etc/evolve-probe'], goal: feature.goal, subagents, delayMs };
  standin = await startStandin({ script: claudeScript(play), apiKey: KEY });
  const run = await evolve(['--population', '1', '--generations', '1', '--agent', 'claude-code', '--model', model, '--no-tui',
    '--target', repo, '--db', db, ...extra, ...(process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [])],
  { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url, PATH: from === 'path' ? `${CLAUDE_BIN_DIR}:${process.env.PATH}` : process.env.PATH! });
  const sql = new Database(db, { readonly: true });
  const child = sql.prepare('SELECT * FROM candidates WHERE generation = 1').get() as Record<string, any>;
  const events = (sql.prepare('SELECT kind, data_json FROM events WHERE candidate_id = ? ORDER BY id').all(child.id) as { kind: string; data_json: string }[])
    .map((e) => ({ kind: e.kind, data: JSON.parse(e.data_json) })) as Event[];
  sql.close();
  return { repo, db, run, child, events, feature };
}

function expectMetered(child: Record<string, any>, events: Event[], requests: Standin['requests']) {
  const calls = events.filter((e) => e.kind === 'model_call');
  const answered = requests.filter((r) => r.path === '/v1/messages' && r.status === 200);
  expect(calls).toHaveLength(answered.length);
  const sum = (key: string) => calls.reduce((s, c) => s + c.data[key], 0);
  expect(sum('input_tokens')).toBe(child.input_tokens);
  expect(sum('output_tokens')).toBe(child.output_tokens);
  expect(sum('cache_read_tokens')).toBe(child.cache_read_tokens);
  expect(sum('cache_write_tokens')).toBe(child.cache_write_tokens);
  expect(sum('cost_usd')).toBeCloseTo(child.cost_usd, 9);
  // What the API billed is what lineage.db holds.
  expect(child.output_tokens).toBe(answered.reduce((s, r) => s + r.usage!.output_tokens, 0));
  expect(child.cache_read_tokens).toBe(answered.reduce((s, r) => s + r.usage!.cache_read_input_tokens, 0));
  expect(events.filter((e) => e.kind === 'model_refused' || e.kind === 'budget_exhausted')).toEqual([]);
}

describe('--agent claude-code (the real CLI, jailed)', () => {
  it('writes the feature with its own tools; the candidate is judged, metered, and its tools are events', async () => {
    const { repo, db, run, child, events, feature } = await runClaude('claude-sonnet-4-5', 0, 0, 'target');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`agent: Claude Code ${version} (${path.join(repo, 'node_modules', '.bin', 'claude')})`);
    expect(child).toMatchObject({ status: 'passed', tests_passed: 2, tests_failed: 0, agent_success: null, goal: feature.goal });
    for (const [file, content] of Object.entries(feature.files!)) expect(git(repo, 'show', `${child.commit_sha}:${file}`)).toBe(content.trimEnd());
    const started = events.find((e) => e.kind === 'agent_started')!;
    expect(started.data).toMatchObject({ agent: 'claude-code', version });
    expect(events.find((e) => e.kind === 'agent_finished')!.data).toMatchObject({ ok: true, claimed: false, success: null, exit_code: 0 });

    expectMetered(child, events, standin!.requests);
    // Its prompt carried what the built-in agent knows: the commands it is judged by and the rules.
    const main = standin!.requests.find((r) => r.path === '/v1/messages' && (r.body as { tools?: { name: string }[] }).tools?.some((t) => t.name === 'Write'));
    const asked = JSON.stringify((main!.body as { messages: unknown[] }).messages[0]);
    for (const part of ['make the toy better', '- tests: `node run-tests.mjs`', 'The existing tests are the specification']) expect(asked).toContain(part);
    // Every call Claude Code made used the run's model, the ones it would make with its own choice too.
    expect(new Set(standin!.requests.filter((r) => r.path === '/v1/messages').map((r) => (r.body as { model: string }).model))).toEqual(new Set(['claude-sonnet-4-5']));
    const tools = events.filter((e) => e.kind === 'tool_call').map((e) => [e.data.tool, e.data.ok, e.data.source, e.data.summary]);
    expect(tools).toEqual([
      ['Write', true, 'proxy', expect.stringMatching(/lib\/f1\.mjs$/)],
      ['Write', true, 'proxy', expect.stringMatching(/tests\/f1\.mjs$/)],
      ['Bash', true, 'proxy', 'node run-tests.mjs'],
      ['Bash', false, 'proxy', 'touch /etc/evolve-probe'],
    ]);
    if (!process.env.EVOLVE_TEST_UNSAFE) {
      expect(events.filter((e) => e.kind === 'sandbox_denied').map((e) => e.data)).toEqual([
        expect.objectContaining({ tool: 'Bash', what: 'write to a read-only file system', source: 'proxy' }),
      ]);
    }
    // `evolve show` says it made no claim, and what it said at the end.
    const shown = await evolveInProcess(['show', child.id, '--db', db]);
    expect(shown.stdout).toContain('no claim (it sent no result line)');
    expect(shown.stdout).toContain(`Goal: ${feature.goal}`);
    // The runner recorded the attempt in the context, as Claude Code wrote none.
    const history = JSON.parse(git(repo, 'show', `${child.commit_sha}:agent_context.json`)).history;
    expect(history.at(-1)).toMatchObject({ recordedBy: 'runner', result: 'success', action: feature.goal });
  }, 240_000);

  it('with an Opus model, a real API\'s latency and parallel subagents: no false budget exhaustion', async () => {
    const { run, child, events } = await runClaude('claude-opus-4-7', 1200, 3, 'path');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`agent: Claude Code ${version} (${path.join(CLAUDE_BIN_DIR, 'claude')})`);
    expect(child).toMatchObject({ status: 'passed', tests_passed: 2 });
    expectMetered(child, events, standin!.requests);
    // The three subagents' calls were in flight together; the ones that could not reserve at once waited.
    const sub = standin!.requests.filter((r) => r.path === '/v1/messages' && JSON.stringify((r.body as { messages: unknown[] }).messages[0]).includes('SUBAGENT'));
    expect(sub.length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.kind === 'model_call').some((e) => e.data.waited_ms > 0)).toBe(true);
    expect(events.filter((e) => e.kind === 'tool_call' && e.data.tool === 'Agent')).toHaveLength(3);
    expect(child.cost_usd).toBeLessThan(2);
  }, 240_000);

  it('that cannot afford a call ends budget_exhausted, its error quoting what Claude Code printed last', async () => {
    const { run, child, events } = await runClaude('claude-sonnet-4-5', 0, 0, 'path', ['--candidate-budget-usd', '0.05']);
    expect(run.code, run.stderr).toBe(0);
    expect(child.status).toBe('budget_exhausted');
    expect(child.error).toMatch(/^agent: exited with 1 \(API Error: 402 the candidate's budget is exhausted: this call needs up to \$[\d.]+ \(max_tokens 32000\), \$0\.0500 left\)$/);
    expect(events.filter((e) => e.kind === 'model_refused').map((e) => e.data.status)).toEqual([402]);
    expect(child.cost_usd).toBe(0);
  }, 120_000);

  it('stopped at --max-turns (Claude Code then exits 1) is judged on what it wrote, as the built-in agent is', async () => {
    const { run, child, events } = await runClaude('claude-sonnet-4-5', 0, 0, 'path', ['--max-turns', '2']);
    expect(run.code, run.stderr).toBe(0);
    expect(events.find((e) => e.kind === 'agent_finished')!.data).toMatchObject({ ok: true, claimed: false, exit_code: 1 });
    expect(child).toMatchObject({ status: 'passed', tests_passed: 2, agent_success: null, error: null });
    expect(child.agent_summary).toContain('maximum number of turns');
    // The last Write's result was never sent (no call came after it): recorded when the agent ended, outcome unknown.
    expect(events.filter((e) => e.kind === 'tool_call').map((e) => [e.data.tool, e.data.ok])).toEqual([['Write', true], ['Write', null]]);
  }, 120_000);
});
