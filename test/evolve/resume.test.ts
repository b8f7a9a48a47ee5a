/**
 * Crash safety: the runner is killed with SIGKILL during an evaluation and during an agent, and `--resume` finishes
 * the run — every candidate once, every recorded commit on its branch, nothing left behind.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWorkdir } from '../../src/evolve/repo/workdir.ts';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, git, startEvolve, tempDir } from './helpers.ts';
import { waitFor } from '../wait.ts';
import { makeToyRepo, passingPlan, planScript, type Plan } from './toy.ts';

const KEY = 'sk-ant-resume-suite-key';
let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

/** A passing change whose test waits (up to 20 s) for a `release` file in the checkout being judged. */
const slowPlan = (n: number): Plan => ({
  goal: `slow feature ${n}`,
  files: {
    [`tests/slow${n}.mjs`]: "import { existsSync } from 'node:fs';\nexport default async () => { for (let i = 0; i < 400 && !existsSync('release'); i++) await new Promise((r) => setTimeout(r, 50)); };\n",
  },
});

describe('evolve --resume after SIGKILL', () => {
  it('finishes the run with every candidate exactly once', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    // Request 1 passes after a slow evaluation; the first call of generation 2 (its agents have one history entry
    // more) hangs until that agent is killed; everything else passes at once.
    let hung = false;
    const plans = planScript((i) => (i === 1 ? slowPlan(i) : passingPlan(i)));
    standin = await startStandin({
      apiKey: KEY,
      script: (request, ctx) => {
        if (!hung && JSON.stringify(request.messages).includes('history 1')) {
          hung = true;
          return { delayMs: 120_000 };
        }
        return plans(request, ctx);
      },
    });
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url };
    const sql = () => new Database(db, { readonly: true, fileMustExist: true });
    const query = <T>(q: string): T[] => {
      if (!existsSync(db)) return [];
      try {
        const s = sql();
        try {
          return s.prepare(q).all() as T[];
        } finally {
          s.close();
        }
      } catch {
        return []; // not created or migrated yet
      }
    };

    // 1. killed while a candidate is being judged and its sibling is judged but not yet selected (between commit
    //    and selection)
    // Two judged at once (whatever the cores): the kill must find one being judged while its sibling is judged.
    const first = startEvolve(['--population', '2', '--generations', '2', '--judge-concurrency', '2', '--no-tui', '--target', repo, '--db', db], env);
    await waitFor(() => query<{ id: string }>("SELECT id FROM candidates WHERE generation = 1 AND status = 'evaluating' AND goal LIKE 'slow%'")[0]
      && query<{ id: string }>("SELECT id FROM candidates WHERE generation = 1 AND step = 'evaluated' AND survived = 0")[0], 'an evaluation and a judged sibling', 60_000);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const runId = query<{ id: string }>('SELECT id FROM runs')[0].id;

    // 2. resumed, then killed while generation 2's agent waits on the model
    const runDir = path.join(defaultWorkdir(repo), runId);
    const release = setInterval(() => {
      // A judged checkout is removed when its verdict is in, maybe between these checks and the write: that one
      // needs no release any more.
      try {
        if (!existsSync(runDir)) return;
        for (const d of readdirSync(runDir)) {
          const file = path.join(runDir, d, 'release');
          if (d.endsWith('.eval') && existsSync(path.join(runDir, d, 'tests')) && !existsSync(file)) writeFileSync(file, '');
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }, 25);
    try {
      const second = startEvolve(['--resume', '--no-tui', '--db', db], env);
      await waitFor(() => hung, 'generation 2 to call the model', 30_000);
      second.child.kill('SIGKILL');
      await second.done;

      // 3. resumed to the end
      const third = await evolve(['--resume', runId, '--no-tui', '--db', db], env);
      expect(third.code, third.stderr).toBe(0);
    } finally {
      clearInterval(release);
    }

    const s = sql();
    expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
    const run = s.prepare('SELECT status FROM runs').get() as { status: string };
    expect(run.status).toBe('done');
    const rows = s.prepare('SELECT * FROM candidates ORDER BY generation').all() as
      { id: string; generation: number; parent_id: string | null; branch: string | null; commit_sha: string; status: string; attempts: number }[];
    const resumed = s.prepare("SELECT count(*) AS n FROM events WHERE kind = 'resumed'").get() as { n: number };
    s.close();
    expect(rows).toHaveLength(1 + 2 * 2);
    expect(rows.filter((r) => r.generation === 1)).toHaveLength(2);
    expect(rows.filter((r) => r.generation === 2)).toHaveLength(2);
    for (const r of rows.filter((x) => x.generation > 0)) {
      expect(r.status, JSON.stringify(r)).toBe('passed');
      expect(git(repo, 'rev-parse', r.branch!)).toBe(r.commit_sha);
      expect(git(repo, 'rev-parse', `${r.commit_sha}^`)).toBe(rows.find((p) => p.id === r.parent_id)!.commit_sha);
    }
    expect(Math.max(...rows.map((r) => r.attempts))).toBe(2); // the killed agent ran again, in the same row
    expect(resumed.n).toBeGreaterThanOrEqual(2);
    expect(existsSync(runDir)).toBe(false);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`evolve-${runId}`))).toEqual([]); // the proxy's socket directory
    // no process of the killed runs is left: none works in or names the run's workspaces
    const leftovers = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`).startsWith(runDir) || readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runDir);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    });
    expect(leftovers).toEqual([]);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('Ctrl-C stops the run (stopped, agents killed, state kept) and --resume completes it', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    let hung = false;
    const plans = planScript((i) => passingPlan(i));
    standin = await startStandin({
      apiKey: KEY,
      script: (request, ctx) => {
        if (!hung) {
          hung = true;
          return { delayMs: 120_000 };
        }
        return plans(request, ctx);
      },
    });
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url };
    const run = startEvolve(['--population', '2', '--generations', '1', '--no-tui', '--target', repo, '--db', db], env);
    await waitFor(() => hung, 'a model call', 30_000);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain('stopped');
    const status = () => {
      const s = new Database(db, { readonly: true });
      try {
        return s.prepare('SELECT status, stop_reason FROM runs').get() as { status: string; stop_reason: string };
      } finally {
        s.close();
      }
    };
    expect(status()).toEqual({ status: 'stopped', stop_reason: 'interrupted' });
    const resumed = await evolve(['--resume', '--no-tui', '--db', db], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(status().status).toBe('done');
    const s = new Database(db, { readonly: true });
    const rows = s.prepare('SELECT status FROM candidates WHERE generation = 1').all() as { status: string }[];
    s.close();
    expect(rows.map((r) => r.status)).toEqual(['passed', 'passed']);
  });
});
