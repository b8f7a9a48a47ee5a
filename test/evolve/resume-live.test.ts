/**
 * `evolve --resume` on a run whose runner is still alive (the user thinks it crashed; it is in another terminal)
 * used to start a second runner on the same run: the seed was judged twice (two `built`, `tested`, `selected`,
 * `run_finished` events), and the second runner removed the first one's proxy socket as "stale", so the first
 * one's agents failed ("bwrap: Can't find source path …/proxy.sock"). One writer per run: the resume is refused,
 * with one line and exit code 2, and the live run goes on untouched.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, startEvolve, tempDir } from './helpers.ts';
import { waitFor } from '../wait.ts';
import { makeToyRepo, passingPlan, planScript } from './toy.ts';

const KEY = 'sk-ant-resume-live-key';
let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

describe('--resume of a run that is still running', () => {
  it('is refused while its runner is alive, and the run finishes as if nothing happened', async () => {
    standin = await startStandin({ apiKey: KEY, script: planScript((i) => passingPlan(i)) });
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url };
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const first = startEvolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db,
      '--test', 'sleep 3; echo 1 passed'], env);
    // Events of a kind: the run's own, and the seed's (judged once).
    const count = (kind: string) => {
      try {
        const sql = new Database(db, { readonly: true, fileMustExist: true });
        try {
          return (sql.prepare(`SELECT count(*) AS n FROM events WHERE kind = ? AND (candidate_id IS NULL
            OR candidate_id = (SELECT id FROM candidates WHERE generation = 0))`).get(kind) as { n: number }).n;
        } finally {
          sql.close();
        }
      } catch {
        return 0;
      }
    };
    await waitFor(() => count('run_started') > 0, 'the run', 30_000);

    const second = await evolve(['--resume', '--no-tui', '--db', db], env);
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^evolve: --resume: run \S+ is still running in another evolve process on this machine/)]);

    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect([count('resumed'), count('run_started'), count('tested'), count('run_finished')]).toEqual([0, 1, 1, 1]);
    expect(done.stderr).not.toContain("Can't find source path");
  }, 90_000);
});
