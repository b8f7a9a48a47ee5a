/** `evolve demo --dir` that cannot be used is a usage error (one line, exit 2), and nothing is created. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evolveInProcess } from '../lineage/cli-helpers.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-demo-dir-'));
  writeFileSync(path.join(dir, 'afile'), 'x\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('names a --dir that is a file', async () => {
  const r = await evolveInProcess(['demo', '--no-tui', '--dir', path.join(dir, 'afile')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`evolve: --dir ${path.join(dir, 'afile')} is a file: give a new or empty directory\n`);
});

it('names a --dir that cannot be created', async () => {
  const bad = path.join(dir, 'afile', 'sub');
  const r = await evolveInProcess(['demo', '--no-tui', '--dir', bad]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`evolve: --dir ${bad}: cannot create it (ENOTDIR): give a new or empty directory\n`);
  expect(existsSync(bad)).toBe(false);
});
