/** `evolve clean` on a hand-built run whose workspaces are gone but whose branches remain. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { evolveInProcess } from '../lineage/cli-helpers.ts';

const RUN = '20260101-000000-abcd';
let dir: string;
let repo: string;
let db: string;
const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-clean-'));
  repo = path.join(dir, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(path.join(repo, 'a.txt'), 'a\n');
  git('add', '.');
  git('commit', '-qm', 'seed');
  for (const id of ['c0ffee01', 'c0ffee02']) git('branch', `evolve/${RUN}/g1-${id}`);
  db = path.join(dir, 'lineage.db');
  const store = openStore(db);
  store.createRun({ id: RUN, target: repo, config: {} });
  store.finishRun(RUN, 'done');
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('says plainly when there is nothing to remove, and that the branches stay without --branches', async () => {
  for (const dry of [[], ['--dry-run']]) {
    const r = await evolveInProcess(['clean', '--db', db, ...dry]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`nothing to remove for run ${RUN} (its 2 branches stay; --branches removes them)\n`);
  }
});

it('lists the branches first with --branches --dry-run and removes them with --branches', async () => {
  const dry = await evolveInProcess(['clean', '--db', db, '--branches', '--dry-run']);
  expect(dry.stdout).toBe(`would remove: branch evolve/${RUN}/g1-c0ffee01\nwould remove: branch evolve/${RUN}/g1-c0ffee02\n`);
  expect(git('branch', '--list', 'evolve/*')).not.toBe('');
  const real = await evolveInProcess(['clean', '--db', db, '--branches']);
  expect(real.stdout).toBe(`removing: branch evolve/${RUN}/g1-c0ffee01\nremoving: branch evolve/${RUN}/g1-c0ffee02\n`);
  expect(git('branch', '--list', 'evolve/*')).toBe('');
  const again = await evolveInProcess(['clean', '--db', db, '--branches']);
  expect(again.stdout).toBe(`nothing to remove for run ${RUN}\n`);
});
