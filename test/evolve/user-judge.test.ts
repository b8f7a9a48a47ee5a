/**
 * The user judge through the real CLI and jail (src/evolve/judge/user-judge.ts): metrics stored for every candidate
 * that reached it, the median of n runs, the objective ranking survivors, a failing / silent / slow judge failing
 * the candidate with its reason, the judge's files out of every agent's sight and frozen at run start. And without a
 * judge, the score as progress: the best of three generations that each add a test is from the last.
 */
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { checkFrozenJudge, combineRuns, freezeJudge, median, parseJudgeOutput } from '../../src/evolve/judge/user-judge.ts';
import { evolve, git, ROOT, startEvolve, tempDir } from './helpers.ts';
import { waitFor } from '../wait.ts';
import { execFileSync } from 'node:child_process';
import { makeHostileRepo, hostileScript, type HostilePlan } from './hostile-toy.ts';
import { passingPlan, makeToyRepo, planScript } from './toy.ts';

const KEY = 'sk-ant-user-judge-test-key-000000000000';
const MARKER = 'JUDGE-MARKER-7f3a9c';

describe('judge output', () => {
  it('reads the numeric fields of the JSON object on the last stdout line', () => {
    expect(parseJudgeOutput('warming up\n{"ops": 12.5, "kb": 3, "label": "x", "nan": null}\n\n')).toEqual({ ok: true, metrics: { ops: 12.5, kb: 3 } });
    expect(parseJudgeOutput('')).toMatchObject({ ok: false, reason: expect.stringMatching(/printed nothing/) });
    expect(parseJudgeOutput('{"a": 1}\ndone')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(parseJudgeOutput('[1, 2]')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a JSON object/) });
    expect(parseJudgeOutput('{"a": "1"}')).toMatchObject({ ok: false, reason: expect.stringMatching(/no numeric field/) });
  });

  it('freezes the files the command names: outside the target copied (the command runs the copies), inside restored from the seed', async () => {
    const target = tempDir('evolve-judge-target-');
    const elsewhere = tempDir('evolve-judge-elsewhere-');
    writeFileSync(path.join(elsewhere, 'score.mjs'), 'console.log("{}")\n');
    const dir = path.join(tempDir(), 'run.judge');
    const frozen = await freezeJudge({
      cmd: `node ${path.join(elsewhere, 'score.mjs')} --against ./bench/data.json && node bench/x.mjs`, runs: 2, timeoutS: 9,
      target, cwd: elsewhere, dir, seedFiles: new Set(['bench/x.mjs', 'bench/data.json']),
    });
    expect(frozen.files).toEqual([{ source: path.join(elsewhere, 'score.mjs'), copy: path.join(dir, '0-score.mjs'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(frozen.cmd).toBe(`node ${path.join(dir, '0-score.mjs')} --against ./bench/data.json && node bench/x.mjs`);
    expect(frozen.seedFiles.sort()).toEqual(['bench/data.json', 'bench/x.mjs']);
    await checkFrozenJudge(frozen);
    chmodSync(dir, 0o700);
    chmodSync(frozen.files[0].copy, 0o600);
    writeFileSync(frozen.files[0].copy, 'changed\n');
    await expect(checkFrozenJudge(frozen)).rejects.toThrow(/is changed: this run cannot be judged the same way again/);
  });

  it('keeps the median of n runs and the spread', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(combineRuns([{ a: 10, b: 1 }, { a: 20, b: 1 }, { a: 11 }])).toEqual([{ name: 'a', value: 11, spread: 10, runs: 3 }, { name: 'b', value: 1, spread: 0, runs: 2 }]);
  });
});

const outside = tempDir('evolve-judge-outside-');
const judgeFile = path.join(outside, 'judge.mjs');
const JUDGE = `// ${MARKER}
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const { speed, mode } = await import(process.cwd() + '/lib/speed.mjs');
const n = existsSync('.judge-count') ? readFileSync('.judge-count', 'utf8').length : 0;
appendFileSync('.judge-count', 'x');
if (mode === 'fail') process.exit(3);
if (mode === 'silent') process.exit(0);
if (mode === 'slow') await new Promise((r) => setTimeout(r, 60000));
console.log('measuring');
console.log(JSON.stringify({ speed: speed + [0, 10, 1][n % 3], size: 3, label: 'not a number' }));
`;
const speedPlan = (goal: string, speed: number, mode = 'ok', extra: Partial<HostilePlan> = {}): HostilePlan => ({
  goal, ...extra, files: { 'lib/speed.mjs': `export const speed = ${speed};\nexport const mode = '${mode}';\n`, [`tests/${goal}.mjs`]: 'export default () => {};\n', ...extra.files },
});
const workdir = tempDir('evolve-judge-work-');
const plans: HostilePlan[] = [
  speedPlan('fast', 30),
  speedPlan('slower', 5),
  speedPlan('faster', 20),
  speedPlan('failing judge', 12, 'fail'),
  speedPlan('silent judge', 12, 'silent'),
  speedPlan('slow judge', 12, 'slow'),
  // looks for the judge's files from inside its jail, and tries to rewrite the original
  speedPlan('snoop', 10, 'ok', { exec: `(grep -rls ${MARKER} ${outside} ${workdir} 2>/dev/null; cat ${judgeFile} 2>&1; echo 'console.log("{\\"speed\\": 1000}")' > ${judgeFile} 2>&1) > found.txt; true` }),
];

let standin: Standin;
let repo: string;
let db: string;
let run: { code: number | null; signal: NodeJS.Signals | null; stderr: string };
type Row = { id: string; goal: string | null; status: string; error: string | null; commit_sha: string | null; objective: number | null; survived: number; generation: number };
let rows: Row[];
let metrics: { candidate_id: string; name: string; value: number; spread: number; runs: number }[];
const by = (goal: string) => rows.find((r) => r.goal === goal)!;

beforeAll(async () => {
  writeFileSync(judgeFile, JUDGE);
  standin = await startStandin({ script: hostileScript((i) => plans[i]), apiKey: KEY });
  repo = makeHostileRepo({ 'lib/speed.mjs': "export const speed = 10;\nexport const mode = 'ok';\n" });
  db = path.join(tempDir(), 'lineage.db');
  const config = path.join(tempDir(), 'evolve.json');
  writeFileSync(config, JSON.stringify({ objective: { metric: 'speed', goal: 'max' }, judgeTimeout: 3 }));
  const started = startEvolve(['--population', String(plans.length), '--generations', '1', '--survivors', '2', '--concurrency', '2', '--no-tui',
    '--target', repo, '--db', db, '--workdir', workdir, '--config', config, '--judge', `node ${judgeFile}`, '--judge-runs', '3'],
  { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
  // Once the run has started, the user's judge file changes: the run keeps judging with its frozen copy.
  await waitFor(() => {
    if (started.child.exitCode !== null) return true;
    try {
      const sql = new Database(db, { readonly: true });
      const n = (sql.prepare("SELECT count(*) AS n FROM events WHERE kind = 'forked'").get() as { n: number }).n;
      sql.close();
      return n > 0;
    } catch {
      return false;
    }
  }, 'a child to be forked', 60_000);
  writeFileSync(judgeFile, 'console.log(JSON.stringify({ speed: -1 }));\n');
  run = await started.done;
  const sql = new Database(db, { readonly: true });
  rows = sql.prepare('SELECT * FROM candidates ORDER BY generation, started_at').all() as Row[];
  metrics = sql.prepare('SELECT * FROM metrics').all() as typeof metrics;
  sql.close();
}, 240_000);
afterAll(async () => {
  await standin?.close();
});

describe('a run with a user judge', () => {
  it('judges the seed too: its metrics are the baseline (median of 3 runs, with the spread)', () => {
    expect(run.code, run.stderr).toBe(0);
    const seed = rows.find((r) => r.generation === 0)!;
    expect(seed.objective).toBe(11);
    expect(metrics.filter((m) => m.candidate_id === seed.id)).toEqual([
      expect.objectContaining({ name: 'speed', value: 11, spread: 10, runs: 3 }), expect.objectContaining({ name: 'size', value: 3, spread: 0, runs: 3 }),
    ]);
  });

  it('stores metrics for every candidate that reached the judge, with the frozen judge, never the changed file', () => {
    for (const goal of ['fast', 'slower', 'faster', 'snoop']) {
      expect(by(goal), by(goal).error ?? '').toMatchObject({ status: 'passed' });
      expect(metrics.filter((m) => m.candidate_id === by(goal).id).map((m) => m.name)).toEqual(['speed', 'size']);
    }
    expect(by('fast').objective).toBe(31);
    expect(by('slower').objective).toBe(6);
    expect(metrics.some((m) => m.value === -1 || m.value === 1000)).toBe(false);
  });

  it('removes its frozen copies when it is done', () => {
    expect(readdirSync(workdir).filter((n) => n.endsWith('.judge'))).toEqual([]);
  });

  it('ranks survivors by the objective', () => {
    expect(rows.filter((r) => r.survived && r.generation === 1).map((r) => r.goal).sort()).toEqual(['fast', 'faster']);
    expect(run.stderr).toContain('objective: speed (max) best 31, seed 11 (+181.8%)');
  });

  it('fails a candidate whose judge fails, prints no JSON or is too slow, with the reason', () => {
    expect(by('failing judge')).toMatchObject({ status: 'failed', error: 'judge failed (exit 3)' });
    expect(by('silent judge').status).toBe('failed');
    expect(by('silent judge').error).toMatch(/judge printed nothing/);
    expect(by('slow judge')).toMatchObject({ status: 'failed', error: 'judge timed out (after 3 s)' });
    expect(metrics.some((m) => [by('failing judge').id, by('silent judge').id, by('slow judge').id].includes(m.candidate_id))).toBe(false);
  });

  it("keeps the judge's files out of an agent's jail: searching finds nothing, the original cannot be rewritten", () => {
    const found = git(repo, 'show', `${by('snoop').commit_sha}:found.txt`);
    expect(found).not.toContain(MARKER);
    expect(found).not.toContain('appendFileSync');
    // The test changed the file itself mid-run; the agent could not (its write went nowhere).
    expect(readFileSync(judgeFile, 'utf8')).toBe('console.log(JSON.stringify({ speed: -1 }));\n');
  });
});

describe('the metrics where a user looks', () => {
  const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), ...args, '--db', db], { encoding: 'utf8' });
  it('evolve show lists every metric with its median and spread', () => {
    const out = cli('show', by('fast').id);
    expect(out).toMatch(/objective\s+31/);
    expect(out).toMatch(/metrics\s+speed 31 \(median of 3 runs, spread 10\)\n\s+size 3 \(median of 3 runs, spread 0\)/);
  });

  it('lineage --json and export include them, and name the best by the objective', () => {
    const doc = JSON.parse(cli('lineage', '--json'));
    expect(doc.best).toBe(by('fast').id);
    const fast = doc.tree[0].children.find((c: { id: string }) => c.id === by('fast').id);
    expect(fast).toMatchObject({ objective: 31, metrics: [{ name: 'speed', value: 31, spread: 10, runs: 3 }, { name: 'size', value: 3 }] });
    expect(JSON.parse(cli('export', '--format', 'json')).tree[0].metrics.map((m: { name: string }) => m.name)).toEqual(['speed', 'size']);
    expect(cli('export', '--format', 'mermaid')).toContain('objective 31');
  });
});

describe('a run without a judge', () => {
  it('over three generations of children that each add a passing test, the best of the run is from the last', async () => {
    const toy = await startStandin({ script: planScript((i) => passingPlan(i + 1)), apiKey: KEY });
    try {
      const target = makeToyRepo();
      const out = await evolve(['--population', '2', '--generations', '3', '--concurrency', '1', '--no-tui', '--target', target, '--db', path.join(tempDir(), 'l.db')],
        { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: toy.url });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toMatch(/best: \S+ \(generation 3, score 10[1-9]\./);
    } finally {
      await toy.close();
    }
  }, 120_000);
});
