/**
 * Hostile candidates through the real runner (one run for the whole file): each child of one generation tries one
 * trick against the runner itself — not the jail's walls but what the runner does with what a candidate leaves.
 * The run must end normally, each trick a failed (or harmless) candidate, nothing outside the workspace touched.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { passingPlan } from '../evolve/toy.ts';
import { evolve, git, tempDir } from '../evolve/helpers.ts';
import { makeQaRepo, qaScript, type QaPlan } from './qa-toy.ts';

const REAL_KEY = 'sk-ant-qa-hostile-run-real-key-77777777777';
const outside = tempDir('evolve-qa-outside-');
const victim = path.join(outside, 'victim.json');
const VICTIM = JSON.stringify({ apiKey: 'outside-secret-value', history: [] }) + '\n';

const plans: QaPlan[] = [
  // 0: one endless line on the progress descriptor (768 MB, no newline): the runner must not buffer it whole
  { goal: 'endless progress line', js: "const fs = await import('node:fs'); const b = Buffer.alloc(16 << 20, 97); for (let i = 0; i < 48; i++) fs.writeSync(fd, b);" },
  // 1: agent_context.json replaced by a symlink to a file outside the jail's reach; the agent records nothing,
  //    so the runner appends the attempt itself — it must not write (or read) through the link
  { ...passingPlan(1), goal: 'symlinked context', silent: true, js: `const fs = await import('node:fs'); fs.rmSync('agent_context.json'); fs.symlinkSync(${JSON.stringify(victim)}, 'agent_context.json');` },
  // 2: an honest candidate, so that the run has a survivor
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
  standin = await startStandin({ script: qaScript((i) => plans[i]), apiKey: REAL_KEY });
  repo = makeQaRepo();
  db = path.join(tempDir(), 'lineage.db');
  run = await evolve(['--population', String(plans.length), '--generations', '1', '--concurrency', '1', '--no-tui', '--target', repo, '--db', db],
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
});
