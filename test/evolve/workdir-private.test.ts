/**
 * Root in the jail is the host's root, and may leave a set-user-ID copy of a shell in its workspace; the runner
 * clears such bits only when the jail has ended. Until then, the directory holding the workspaces must be closed to
 * other local users, or any of them could run that shell as root. The runner makes it 0700 itself (it said so in a
 * comment, and the README asked the user to do it by hand).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { defaultWorkdir } from '../../src/evolve/repo/workdir.ts';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { startEvolve, tempDir } from './helpers.ts';
import { waitFor } from '../wait.ts';
import { passingPlan } from './toy.ts';
import { makeHostileRepo, hostileScript } from './hostile-toy.ts';

const KEY = 'sk-ant-qa-workdir-private-key-000000';
let standin: Standin | null = null;
afterAll(async () => standin?.close());

it("keeps the run's workspaces closed to other users while candidates run", async () => {
  const repo = makeHostileRepo();
  const plan = { ...passingPlan(1), exec: 'sleep 2' }; // time to look from the host while the jail runs
  standin = await startStandin({ script: hostileScript(() => plan), apiKey: KEY });
  const db = path.join(tempDir(), 'lineage.db');
  const workdir = defaultWorkdir(repo);
  const run = startEvolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db],
    { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
  const runRoot = await waitFor(() => {
    const runs = existsSync(workdir) ? readdirSync(workdir) : [];
    const root = runs.length === 1 ? path.join(workdir, runs[0]) : null;
    return root && existsSync(root) && readdirSync(root).some((n) => /^[0-9a-f]{8}$/.test(n)) ? root : null;
  }, 'the candidate workspace', 30_000);
  const mode = statSync(runRoot).mode & 0o777;
  const done = await run.done;
  expect(done.code, done.stderr).toBe(0);
  expect(mode.toString(8)).toBe('700');
  // Beside the target, never in its .git directory; gone with the run.
  expect(workdir).toBe(path.join(path.dirname(repo), '.evolve-work', path.basename(repo)));
  expect(existsSync(path.join(repo, '.git', 'evolve'))).toBe(false);
  expect(existsSync(workdir)).toBe(false);
});
