/**
 * `evolve show` counts a candidate's prompt tokens the way the run summary, `evolve lineage` and the TUI do:
 * uncached input plus cache reads and writes. With prompt caching the uncached count alone is often 0, and
 * "0 in" beside a TUI saying "30k in" for the same candidate reads as a metering bug.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-show-'));
  const store = openStore(path.join(dir, 'lineage.db'));
  store.createRun({ id: '20260101-000000-abcd', target: dir, config: {} });
  store.addCandidate({ id: '5eed0001', runId: '20260101-000000-abcd', generation: 0, parentId: null, branch: null, baseCommit: null, status: 'passed' });
  store.addCandidate({ id: 'c0ffee01', runId: '20260101-000000-abcd', generation: 1, parentId: '5eed0001', branch: 'b', baseCommit: 'x', status: 'passed' });
  store.updateCandidate('c0ffee01', { input_tokens: 0, cache_read_tokens: 28508, cache_write_tokens: 1707, output_tokens: 392, model_calls: 9, cost_usd: 0.0139 });
  store.finishRun('20260101-000000-abcd', 'done');
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('shows prompt tokens with the cached ones, and how many of them were cache reads and writes', () => {
  const r = spawnSync(process.execPath, ['bin/evolve.mjs', 'show', 'c0ffee01', '--db', path.join(dir, 'lineage.db')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^ {2}model +9 calls, 30,215 in \/ 392 out tokens \(input: 28,508 cache reads, 1,707 cache writes\), \$0\.0139$/m);
});
