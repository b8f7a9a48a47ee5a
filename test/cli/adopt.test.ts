/**
 * `evolve adopt --here` on a hand-built run (a real git repo and lineage.db, no model): it refuses, with one line
 * and exit 2, when an untracked file would be overwritten, and adopting a change the branch already has makes no
 * empty commit.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';

const bin = path.resolve('bin/evolve.mjs');
const RUN = '20260101-000000-abcd';
let dir: string;
let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-adopt-'));
  repo = path.join(dir, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(path.join(repo, 'a.txt'), 'a\n');
  git('add', '.');
  git('commit', '-qm', 'seed');
  const seed = git('rev-parse', 'HEAD');
  // The candidate's commit, on its branch: a new file and its agent_context.json.
  git('switch', '-qc', `evolve/${RUN}/g1-c0ffee01`);
  mkdirSync(path.join(repo, 'src'));
  writeFileSync(path.join(repo, 'src/new.js'), 'export const x = 1;\n');
  writeFileSync(path.join(repo, 'agent_context.json'), '{"goalState":"","history":[]}\n');
  git('add', '.');
  git('commit', '-qm', 'candidate');
  const child = git('rev-parse', 'HEAD');
  git('switch', '-q', 'main');
  const store = openStore(path.join(dir, 'lineage.db'));
  store.createRun({ id: RUN, target: repo, config: { head: seed } });
  store.addCandidate({ id: '5eed0001', runId: RUN, generation: 0, parentId: null, branch: null, baseCommit: null, commitSha: seed, status: 'passed' });
  store.addCandidate({ id: 'c0ffee01', runId: RUN, generation: 1, parentId: '5eed0001', branch: `evolve/${RUN}/g1-c0ffee01`, baseCommit: seed, commitSha: child, goal: 'Add x', status: 'passed' });
  store.finishRun(RUN, 'done');
  store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const adopt = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'adopt', 'c0ffee01', '--db', path.join(dir, 'lineage.db'), ...args], { encoding: 'utf8', cwd: repo });

it('refuses with one line and exit 2 when an untracked file would be overwritten, and leaves it alone', () => {
  mkdirSync(path.join(repo, 'src'));
  writeFileSync(path.join(repo, 'src/new.js'), 'mine\n');
  const head = git('rev-parse', 'HEAD');
  const r = adopt('--here');
  expect(r.stderr).toBe('evolve: adopting c0ffee01 here would overwrite the untracked file src/new.js: move it away (or adopt without --here, as a new branch)\n');
  expect(r.status).toBe(2);
  expect(readFileSync(path.join(repo, 'src/new.js'), 'utf8')).toBe('mine\n');
  expect(git('rev-parse', 'HEAD')).toBe(head);
  expect(git('status', '--porcelain')).toBe('?? src/');
});

it('adopting a change the branch already has makes no empty commit', () => {
  const first = adopt('--here');
  expect(first.status, first.stderr).toBe(0);
  expect(first.stdout).toMatch(/^adopted c0ffee01 onto main as [0-9a-f]{10} \(1 files? changed\)\n$/);
  const head = git('rev-parse', 'HEAD');
  const again = adopt('--here');
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toBe('main already has the change of c0ffee01: nothing to adopt\n');
  expect(git('rev-parse', 'HEAD')).toBe(head);
});
