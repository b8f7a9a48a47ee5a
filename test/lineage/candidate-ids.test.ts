/** Candidate ids on the command line: upper case is the same id, and a one-digit prefix is named as too short. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { evolveInProcess } from './cli-helpers.ts';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-ids-'));
  db = path.join(dir, 'lineage.db');
  const store = openStore(db);
  store.createRun({ id: '20260101-000000-abcd', target: dir, config: {} });
  store.addCandidate({ id: '5eed0001', runId: '20260101-000000-abcd', generation: 0, parentId: null, branch: null, baseCommit: null, status: 'passed' });
  store.addCandidate({ id: 'c0ffee01', runId: '20260101-000000-abcd', generation: 1, parentId: '5eed0001', branch: 'b', baseCommit: 'x', status: 'passed' });
  store.finishRun('20260101-000000-abcd', 'done');
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('finds a candidate by its id or prefix in upper case (show accepts it, so lookup must too)', async () => {
  for (const id of ['C0FFEE01', 'C0ff']) {
    const r = await evolveInProcess(['show', id, '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^candidate c0ffee01 /);
  }
});

it('calls a one-digit id too short rather than "not hex"', async () => {
  const r = await evolveInProcess(['show', 'c', '--db', db]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('evolve: "c" is not a candidate id: one digit is too short (give its 8 hex digits, e.g. 3f2a9c1e, or at least the first 2)\n');
});
