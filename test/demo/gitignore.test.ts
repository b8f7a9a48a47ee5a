/**
 * The README tells a user what to git-ignore. `evolve lineage` (like every command that reads lineage.db
 * read-only) leaves SQLite's lineage.db-wal and lineage.db-shm beside the database; with the README's old advice
 * (`lineage.db`) they showed up in `git status` of the user's repository after the first look at a run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parseRunOptions } from '../../src/cli/config.ts';
import { freezeConfig } from '../../src/evolve/config.ts';
import { openStore } from '../../src/lineage/store.ts';
import { evolveInProcess } from '../lineage/cli-helpers.ts';
import { ROOT, tempDir } from '../evolve/helpers.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

it("the README's .gitignore advice covers what reading lineage.db leaves beside it", async () => {
  const pattern = /Add `([^`]+)` to your `\.gitignore`/.exec(readFileSync(path.join(ROOT, 'README.md'), 'utf8'))?.[1];
  expect(pattern).toBeDefined();
  const repo = tempDir('evolve-gitignore-');
  git(repo, 'init', '-q');
  writeFileSync(path.join(repo, '.gitignore'), `${pattern}\n`);
  git(repo, 'add', '.gitignore');
  git(repo, 'commit', '-qm', 'ignore');
  const db = path.join(repo, 'lineage.db');
  const store = openStore(db);
  const flags = parseRunOptions({ population: '1', generations: '1' }, {});
  store.createRun({ id: '20261202-120000-abcd', target: repo, config: { ...freezeConfig({ ...flags, population: 1, generations: 1 }, JSON.stringify({ scripts: { test: 'node --test' } }), 1), target: repo } });
  store.close();

  const r = await evolveInProcess(['lineage', '--db', db]);
  expect(r.code).toBe(0);
  expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
});
