/**
 * Where workspaces go by default (src/evolve/repo/workdir.ts): beside the target, in `.evolve-work/<name>/`, never in
 * its working tree or under a .git directory; and `evolve clean` finds a run's workspaces there, under the workdir
 * its config names, and — for a run whose config names none — in the `.git/evolve` folder earlier versions used.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWorkdir, insideGitDir, legacyWorkdir } from '../../src/evolve/repo/workdir.ts';
import { openStore } from '../../src/lineage/store.ts';
import { evolveInProcess } from '../lineage/cli-helpers.ts';
import { makeRepo, tempDir } from './helpers.ts';

describe('defaultWorkdir', () => {
  it('is a sibling of the target, named after it, outside any .git directory', () => {
    expect(defaultWorkdir('/home/u/src/lib')).toBe('/home/u/src/.evolve-work/lib');
    expect(defaultWorkdir('/home/u/src/lib/')).toBe('/home/u/src/.evolve-work/lib');
    expect(defaultWorkdir('/')).toBe('/.evolve-work/root');
    expect(insideGitDir(defaultWorkdir('/home/u/src/lib'))).toBe(false);
    expect(insideGitDir(legacyWorkdir('/home/u/src/lib/.git'))).toBe(true);
  });
});

describe('evolve clean finds workspaces where the run put them', () => {
  const cases: [string, (repo: string) => string, (repo: string, workdir: string) => Record<string, unknown>][] = [
    ['the default beside the target', (repo) => defaultWorkdir(repo), (_repo, workdir) => ({ workdir, ownsWorkdir: true })],
    ['a run recorded before the default moved (.git/evolve, named in its config)', (repo) => legacyWorkdir(path.join(repo, '.git')), (_repo, workdir) => ({ workdir, ownsWorkdir: true })],
    ['a config without a workdir: the old default', (repo) => legacyWorkdir(path.join(repo, '.git')), () => ({})],
    ['a config without a workdir: the new default', (repo) => defaultWorkdir(repo), () => ({})],
  ];
  it.each(cases)('%s', async (_name, where, config) => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const runId = '20261202-120000-beef';
    const workdir = where(repo);
    const runDir = path.join(workdir, runId);
    mkdirSync(path.join(runDir, 'c0ffee01'), { recursive: true });
    writeFileSync(path.join(runDir, 'c0ffee01.index'), '');
    const db = path.join(tempDir(), 'lineage.db');
    const store = openStore(db);
    store.createRun({ id: runId, target: repo, config: config(repo, workdir) });
    store.finishRun(runId, 'stopped');
    store.close();
    const r = await evolveInProcess(['clean', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`workspaces of run ${runId}: ${runDir} (2 entries)`);
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(workdir)).toBe(false);
  });
});
