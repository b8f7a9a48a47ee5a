/**
 * A candidate stopped by the RUN budget says so: its error named "the candidate budget" although the proxy
 * refused over the run's (a user would raise the wrong flag). A real run through the CLI: the proxy refuses the
 * first model call before anything is forwarded, so no model is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeRepo } from '../evolve/helpers.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';

let dir: string;
let repo: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-budget-'));
  repo = makeRepo({ 'package.json': '{"name":"x","scripts":{"test":"echo 1 passed"}}\n' });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

it('names the run budget when the run budget refused the call', () => {
  const db = path.join(dir, 'lineage.db');
  const r = spawnSync(process.execPath, [path.resolve('bin/evolve.mjs'), '--population', '1', '--generations', '1', '--budget-usd', '0.0001',
    '--target', repo, '--db', db, '--no-tui'], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
  });
  expect(r.status, r.stderr).toBe(0);
  const d = new Database(db, { readonly: true });
  const child = d.prepare('SELECT status, error FROM candidates WHERE generation = 1').get() as { status: string; error: string };
  const refusal = d.prepare("SELECT json_extract(data_json, '$.scope') AS scope FROM events WHERE kind = 'budget_exhausted'").get() as { scope: string };
  d.close();
  expect(refusal.scope).toBe('run');
  expect(child).toEqual({ status: 'budget_exhausted', error: "the run's budget was spent" });
});
