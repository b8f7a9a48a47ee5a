import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { hardenedGitEnv } from '../../src/cli/git-diff.ts';
import { tempDir } from './fixtures.ts';
import { evolve, evolveInProcess } from './cli-helpers.ts';

const RUN = '20260101-000000-d1ff';

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: repo, env: hardenedGitEnv(), encoding: 'utf8',
  }).trim();
}

/**
 * A target repo whose config and attributes would run a program on diff (external diff, textconv): the marker
 * file proves whether evolve let git run it. Returns the repo, the db and the marker path.
 */
function repoWithCandidate() {
  const dir = tempDir();
  const repo = join(dir, 'repo');
  const marker = join(dir, 'pwned');
  const evil = join(dir, 'evil.sh');
  writeFileSync(evil, `#!/bin/sh\ntouch ${marker}\n`);
  chmodSync(evil, 0o755);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git(repo, 'config', 'diff.external', evil);
  git(repo, 'config', 'diff.evil.textconv', evil);
  writeFileSync(join(repo, '.gitattributes'), '*.txt diff=evil\n');
  writeFileSync(join(repo, 'a.txt'), 'old line\nkept\n');
  writeFileSync(join(repo, 'agent_context.json'), '{"goalState":"","history":[]}\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'seed');
  const base = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(join(repo, 'a.txt'), 'new line\nkept\n');
  writeFileSync(join(repo, 'agent_context.json'), '{"goalState":"x","history":[{"action":"edit"}]}\n');
  git(repo, 'commit', '-q', '-am', 'child');
  const head = git(repo, 'rev-parse', 'HEAD');

  const db = join(dir, 'lineage.db');
  const store = openStore(db);
  store.createRun({ id: RUN, target: repo, config: {} });
  store.addCandidate({ id: '5eed5eed', runId: RUN, generation: 0, parentId: null, branch: null, baseCommit: null, commitSha: base });
  store.addCandidate({
    id: 'c41dc41d', runId: RUN, generation: 1, parentId: '5eed5eed', branch: 'b', baseCommit: base, commitSha: head,
  });
  store.addCandidate({ id: 'ee00ee00', runId: RUN, generation: 1, parentId: '5eed5eed', branch: 'b2', baseCommit: base });
  store.addCandidate({
    id: 'bad0bad0', runId: RUN, generation: 1, parentId: '5eed5eed', branch: 'b3', baseCommit: base,
    commitSha: '--output=/tmp/evolve-pwned',
  });
  store.close();
  return { repo, db, marker };
}

describe('evolve show --diff', () => {
  it('diffs against the parent commit without agent_context.json, running no configured diff programs', async () => {
    const { db, marker } = repoWithCandidate();
    const r = await evolveInProcess(['show', 'c41dc41d', '--db', db, '--diff']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diff against the parent commit (agent_context.json excluded)\ndiff --git a/a.txt b/a.txt');
    expect(r.stdout).toContain('-old line\n+new line\n kept\n');
    expect(r.stdout).not.toContain('agent_context.json b/agent_context.json');
    expect(existsSync(marker)).toBe(false);
  });

  it('ignores GIT_* variables that would point git elsewhere (real entry)', async () => {
    const { db, marker } = repoWithCandidate();
    const env = { ...process.env, GIT_DIR: '/nonexistent', GIT_EXTERNAL_DIFF: join(tempDir(), 'x.sh') };
    const r = await evolve(['show', 'c41dc41d', '--db', db, '--diff'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+new line');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses the seed, a candidate without a commit, a forged commit and a vanished target', async () => {
    const { db, repo } = repoWithCandidate();
    const cases: [string, RegExp][] = [
      ['5eed5eed', /5eed5eed is the seed: it has no parent commit to diff against/],
      ['ee00ee00', /ee00ee00 has no commit yet \(status pending, step pending\)/],
      ['bad0bad0', /recorded commit "--output=\/tmp\/evolve-pwned" is not a commit id/],
    ];
    for (const [id, pattern] of cases) {
      const r = await evolveInProcess(['show', id, '--db', db, '--diff']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    expect(existsSync('/tmp/evolve-pwned')).toBe(false);
    execFileSync('rm', ['-rf', repo]);
    const gone = await evolveInProcess(['show', 'c41dc41d', '--db', db, '--diff']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/target .* is not a directory any more/);
  });
});
