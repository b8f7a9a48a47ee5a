/**
 * `evolve … 2>&1 | head`, or a `less` the user quits: the reader of the progress lines goes away mid-run. The next
 * write to stderr failed with EPIPE, an unhandled 'error' event killed the runner (exit 1), and the run was left
 * `running` with its workspaces behind. lineage.db is the run's record, not stderr: the run goes on to the end.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { ROOT, tempDir } from './helpers.ts';
import { makeToyRepo, passingPlan, planScript } from './toy.ts';

const KEY = 'sk-ant-closed-log-key';
let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

describe('a run whose stderr reader goes away', () => {
  it('finishes the run and exits 0', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    standin = await startStandin({ apiKey: KEY, script: planScript((i) => passingPlan(i)) });
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), '--population', '2', '--generations', '2', '--no-tui', '--target', repo, '--db', db], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Like `head -1`: read the first line, then close the pipe.
    child.stderr.once('data', () => child.stderr.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const sql = new Database(db, { readonly: true });
    const run = sql.prepare('SELECT status FROM runs').get() as { status: string };
    const children = sql.prepare('SELECT count(*) AS n FROM candidates WHERE generation > 0').get() as { n: number };
    sql.close();
    expect(run.status).toBe('done');
    expect(children.n).toBe(4);
    expect(code).toBe(0);
  }, 120_000);
});
