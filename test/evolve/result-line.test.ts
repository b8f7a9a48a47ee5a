/**
 * Contract 4's result line is a claim, not a requirement: an agent that exits 0 without one is committed and judged
 * (agent_success NULL), the runner records the attempt in its context and tells its children what the judge found;
 * a failed exit says what the agent printed last. `--agent <cmd>` runs instead of the package.json agent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, git, tempDir } from './helpers.ts';
import { makeToyRepo, passingPlan, planScript } from './toy.ts';

const KEY = 'sk-ant-upstream-key-for-result-line-tests';
let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});
const unsafe = () => (process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : []);

/** An agent of the kind an off-the-shelf CLI is: it does its work and exits 0, with no word on fd 3. */
const PLAIN_AGENT = `import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
const n = JSON.parse(readFileSync('agent_context.json', 'utf8')).history.length + 1;
mkdirSync('lib', { recursive: true });
writeFileSync('lib/g' + n + '.mjs', 'export const g' + n + ' = () => ' + n + ';\\n');
writeFileSync('tests/g' + n + '.mjs', "import { g" + n + " } from '../lib/g" + n + ".mjs';\\nexport default () => { if (g" + n + "() !== " + n + ") throw new Error('g'); };\\n");
console.log('wrote g' + n);
`;

interface Row { id: string; generation: number; status: string; agent_success: number | null; error: string | null; commit_sha: string; tests_passed: number | null }

describe('an agent without a result line', () => {
  it('is judged like any other (agent_success NULL), and its children learn what the judge found', async () => {
    const repo = makeToyRepo({ 'plain-agent.mjs': PLAIN_AGENT });
    const db = path.join(tempDir(), 'lineage.db');
    const run = await evolve(['--population', '1', '--generations', '2', '--agent', 'node plain-agent.mjs', '--no-tui', '--target', repo, '--db', db, ...unsafe()],
      { ANTHROPIC_API_KEY: KEY });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/agent_finished \(no claim\)\n/);
    const sql = new Database(db, { readonly: true });
    const rows = sql.prepare('SELECT * FROM candidates WHERE generation > 0 ORDER BY generation').all() as Row[];
    const started = sql.prepare("SELECT data_json FROM events WHERE kind = 'agent_started'").pluck().all() as string[];
    const finished = sql.prepare("SELECT data_json FROM events WHERE kind = 'agent_finished'").pluck().all() as string[];
    sql.close();
    expect(rows.map((r) => [r.status, r.agent_success, r.tests_passed])).toEqual([['passed', null, 2], ['passed', null, 3]]);
    // --agent ran instead of the package.json agent (which asks the model: no model was reachable here).
    expect(started.map((s) => JSON.parse(s).agent)).toEqual(['flag', 'flag']);
    expect(JSON.parse(finished[0])).toMatchObject({ ok: true, claimed: false, success: null, reason: null, context_by_runner: true });
    const history = (sha: string) => JSON.parse(git(repo, 'show', `${sha}:agent_context.json`)).history as Record<string, unknown>[];
    const [g1, g2] = rows;
    expect(history(g1.commit_sha).at(-1)).toMatchObject({ recordedBy: 'runner', result: 'success', details: 'finished with no claim (exit 0); the runner judges the commit' });
    // The grandchild's context holds the judge's verdict on its parent, then its own attempt.
    expect(history(g2.commit_sha).slice(-2)).toEqual([
      expect.objectContaining({ recordedBy: 'runner', candidate: g1.id, result: 'success', details: expect.stringMatching(/^the judge found: passed, 2 tests passed, 0 failed, score /) }),
      expect.objectContaining({ recordedBy: 'runner', result: 'success' }),
    ]);
  }, 120_000);

  it('that exits non-zero fails, with what it printed last as the reason', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const crash = { ...passingPlan(1), exec: 'echo "cannot reach the moon" >&2', crash: true, noClaim: true };
    standin = await startStandin({ script: planScript(() => crash), apiKey: KEY });
    const run = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, ...unsafe()],
      { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const child = sql.prepare('SELECT * FROM candidates WHERE generation = 1').get() as Row;
    sql.close();
    expect(child).toMatchObject({ status: 'failed', agent_success: null, error: 'agent: exited with 3 (cannot reach the moon)' });
  }, 120_000);
});

/** An agent that says its goal with a phase line as soon as it has one, and then no result line at all. */
const GOAL_FIRST_AGENT = `import { writeFileSync, mkdirSync } from 'node:fs';
const fd = Number(process.env.EVOLVE_PROGRESS_FD);
writeFileSync(fd, JSON.stringify({ v: 1, type: 'phase', name: 'plan', goal: 'Add g9, the ninth greeting' }) + '\\n');
mkdirSync('lib', { recursive: true });
writeFileSync('lib/g9.mjs', 'export const g9 = () => 9;\\n');
`;

describe('a phase line with a goal', () => {
  it('sets the candidate\'s goal while the agent works, and it stays without a result line', async () => {
    const repo = makeToyRepo({ 'goal-agent.mjs': GOAL_FIRST_AGENT });
    const db = path.join(tempDir(), 'lineage.db');
    const run = await evolve(['--population', '1', '--generations', '1', '--agent', 'node goal-agent.mjs', '--no-tui', '--target', repo, '--db', db, ...unsafe()],
      { ANTHROPIC_API_KEY: KEY });
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const row = sql.prepare('SELECT goal, agent_success FROM candidates WHERE generation = 1').get() as { goal: string; agent_success: number | null };
    const phase = sql.prepare("SELECT data_json FROM events WHERE kind = 'phase'").pluck().get() as string;
    sql.close();
    expect(row).toEqual({ goal: 'Add g9, the ninth greeting', agent_success: null });
    expect(JSON.parse(phase)).toEqual({ name: 'plan', goal: 'Add g9, the ninth greeting' });
  }, 120_000);
});

describe('--agent claude-code without Claude Code', () => {
  it('stops before anything is created, with one line saying where it looked', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const run = await evolve(['--population', '1', '--generations', '1', '--agent', 'claude-code', '--no-tui', '--target', repo, '--db', db],
      { ANTHROPIC_API_KEY: KEY, PATH: path.dirname(process.execPath) + ':/usr/bin:/bin' });
    expect(run.code).toBe(2);
    expect(existsSync(db)).toBe(false);
    expect(run.stderr.trim()).toBe(`evolve: --agent claude-code: no "claude" in ${path.join(repo, 'node_modules', '.bin')} or on PATH (install it in the target: npm install --save-dev @anthropic-ai/claude-code, or put claude on PATH)`);
  }, 60_000);
});
