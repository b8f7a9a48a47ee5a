/**
 * Ctrl-C during an evaluation kills it and leaves the candidate at the step it reached (docs/run.md, "Stopping and
 * resuming"). The killed test command used to be recorded anyway, as a `tested` event with 0 passed and 1 failed
 * (and a "tested 0 passed, 1 failed" progress line): a failure that never happened, in the record users query.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultWorkdir } from '../../src/evolve/repo/workdir.ts';
import { startEvolve, tempDir } from './helpers.ts';
import { waitFor } from '../wait.ts';
import { makeToyRepo } from './toy.ts';

describe('an evaluation cut short by Ctrl-C', () => {
  it('records no test result, and the candidate stays at its step', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const run = startEvolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db,
      '--test', 'touch test-started; sleep 30; echo 1 passed'], { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
    // The test command marks the checkout it is judging (<workdir>/<run>/<seed>.eval) as it starts.
    const testRunning = () => {
      const runs = defaultWorkdir(repo);
      return existsSync(runs) && readdirSync(runs).some((run) => existsSync(path.join(runs, run)) &&
        readdirSync(path.join(runs, run)).some((d) => d.endsWith('.eval') && existsSync(path.join(runs, run, d, 'test-started'))));
    };
    const kinds = () => {
      try {
        const sql = new Database(db, { readonly: true, fileMustExist: true });
        try {
          return (sql.prepare('SELECT kind FROM events ORDER BY id').all() as { kind: string }[]).map((e) => e.kind);
        } finally {
          sql.close();
        }
      } catch {
        return [];
      }
    };
    await waitFor(testRunning, 'the seed\'s test command to be running', 30_000);
    run.child.kill('SIGINT');
    const done = await run.done;
    expect(done.stderr).not.toMatch(/tested 0 passed, 1 failed/);
    expect(kinds()).not.toContain('tested');
    const sql = new Database(db, { readonly: true });
    const seed = sql.prepare('SELECT status, step FROM candidates WHERE generation = 0').get();
    const status = (sql.prepare('SELECT status FROM runs').get() as { status: string }).status;
    sql.close();
    expect(seed).toEqual({ status: 'evaluating', step: 'committed' });
    expect(status).toBe('stopped');
  }, 60_000);
});
