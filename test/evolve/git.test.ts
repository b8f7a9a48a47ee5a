import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Git } from '../../src/evolve/repo/git.ts';
import { git, makeRepo, tempDir, writeFiles } from './helpers.ts';

async function setup() {
  const repo = makeRepo({ 'a.txt': 'one\ntwo\n', 'src/b.ts': 'export const b = 1;\n', 'agent_context.json': '{"goalState":"","history":[]}\n' });
  const found = await Git.discover(repo);
  if (!found) throw new Error('not a repo');
  const g = new Git(found.gitDir);
  const head = await g.resolveHead();
  return { repo, g, head, gitDir: found.gitDir };
}

describe('Git', () => {
  it('discovers repositories and refuses plain folders', async () => {
    const { repo, gitDir } = await setup();
    expect(gitDir).toBe(path.join(repo, '.git'));
    expect(await Git.discover(tempDir())).toBeNull();
  });

  it('materialises a commit into a fresh directory without touching the target checkout', async () => {
    const { repo, g, head, gitDir } = await setup();
    const indexBefore = readFileSync(path.join(gitDir, 'index'));
    const ws = path.join(gitDir, 'evolve', 'run', 'c1');
    await g.materialise(head, ws, path.join(gitDir, 'evolve', 'run', 'c1.index'));
    expect(readFileSync(path.join(ws, 'src/b.ts'), 'utf8')).toBe('export const b = 1;\n');
    expect(existsSync(path.join(ws, '.git'))).toBe(false);
    expect(readFileSync(path.join(gitDir, 'index'))).toEqual(indexBefore);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'worktree', 'list')).not.toContain('c1');
  });

  it('commits a workspace on a branch with the parent as its only parent, deletions included', async () => {
    const { repo, g, head, gitDir } = await setup();
    const ws = path.join(gitDir, 'evolve', 'run', 'c2');
    const index = ws + '.index';
    await g.materialise(head, ws, index);
    writeFiles(ws, { 'src/c.ts': 'export const c = 2;\nexport const d = 3;\n' });
    rmSync(path.join(ws, 'a.txt'));
    await g.createBranch('evolve/run/g1-c2', head);
    const sha = await g.commitWorkspace({ workTree: ws, indexFile: index, parent: head, branch: 'evolve/run/g1-c2', message: 'candidate c2' });
    expect(git(repo, 'rev-parse', 'evolve/run/g1-c2')).toBe(sha);
    expect(git(repo, 'rev-parse', `${sha}^`)).toBe(head);
    expect(git(repo, 'ls-tree', '-r', '--name-only', sha).split('\n').sort()).toEqual(['agent_context.json', 'src/b.ts', 'src/c.ts']);
    const diff = await g.diff(head, sha);
    expect(diff.stats).toEqual({ added: 2, removed: 2, files: 2 });
    expect(diff.paths.sort()).toEqual(['a.txt', 'src/c.ts']);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('leaves agent_context.json out of the diff size', async () => {
    const { g, head, gitDir } = await setup();
    const ws = path.join(gitDir, 'evolve', 'run', 'c3');
    await g.materialise(head, ws, ws + '.index');
    writeFiles(ws, { 'agent_context.json': '{"goalState":"x","history":[{"a":1}]}\n' });
    const sha = await g.commitWorkspace({ workTree: ws, indexFile: ws + '.index', parent: head, branch: 'b3', message: 'm' });
    expect(await g.diff(head, sha)).toEqual({ stats: { added: 0, removed: 0, files: 0 }, paths: ['agent_context.json'] });
  });

  it('ignores a planted .git (file or folder, nested too) with fsmonitor, hooks and diff drivers', async () => {
    const { repo, g, head, gitDir } = await setup();
    const ws = path.join(gitDir, 'evolve', 'run', 'evil');
    await g.materialise(head, ws, ws + '.index');
    const marker = path.join(tempDir(), 'pwned');
    const script = path.join(ws, 'evil.sh');
    writeFileSync(script, `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(script, 0o755);
    const config = `[core]\n\tfsmonitor = ${script}\n\thooksPath = ${ws}/hooks\n[diff]\n\texternal = ${script}\n`;
    writeFiles(ws, {
      '.git/config': config, '.git/HEAD': 'ref: refs/heads/main\n',
      'hooks/pre-commit': `#!/bin/sh\ntouch ${marker}\n`, 'hooks/post-commit': `#!/bin/sh\ntouch ${marker}\n`,
      'nested/.git/config': config, 'nested/.git/HEAD': 'ref: refs/heads/main\n', 'nested/file.txt': 'x\n',
      '.gitattributes': '* diff=evil filter=evil\n',
    });
    chmodSync(path.join(ws, 'hooks/pre-commit'), 0o755);
    const sha = await g.commitWorkspace({ workTree: ws, indexFile: ws + '.index', parent: head, branch: 'evil', message: 'm' });
    await g.diff(head, sha);
    const files = git(repo, 'ls-tree', '-r', '--name-only', sha).split('\n');
    expect(files).toContain('nested/file.txt');
    expect(files.some((f) => f.split('/').includes('.git'))).toBe(false);
    expect(existsSync(marker)).toBe(false);
    // The workspace's .git file variant: a gitdir pointer somewhere else is ignored too.
    rmSync(path.join(ws, '.git'), { recursive: true, force: true });
    writeFileSync(path.join(ws, '.git'), `gitdir: ${path.join(ws, 'nested/.git')}\n`);
    writeFiles(ws, { 'more.txt': 'y\n' });
    const sha2 = await g.commitWorkspace({ workTree: ws, indexFile: ws + '.index', parent: sha, branch: 'evil', message: 'm2' });
    expect(git(repo, 'ls-tree', '-r', '--name-only', sha2)).toContain('more.txt');
    expect(existsSync(marker)).toBe(false);
  });

  it('tells a dirty target (tracked changes) from untracked files, and writes nothing', async () => {
    const { repo, g, gitDir } = await setup();
    writeFileSync(path.join(repo, 'untracked.txt'), 'mine\n');
    const before = statSync(path.join(gitDir, 'index')).mtimeMs;
    expect(await g.isDirty(repo)).toBe(false);
    writeFileSync(path.join(repo, 'a.txt'), 'changed\n');
    expect(await g.isDirty(repo)).toBe(true);
    expect(statSync(path.join(gitDir, 'index')).mtimeMs).toBe(before);
  });

  it('serialises concurrent commits and pushes branches to a remote', async () => {
    const { g, head, gitDir } = await setup();
    const remote = tempDir('evolve-remote-');
    git(remote, 'init', '-q', '--bare');
    const shas = await Promise.all([1, 2, 3, 4].map(async (i) => {
      const ws = path.join(gitDir, 'evolve', 'run', `p${i}`);
      await g.materialise(head, ws, ws + '.index');
      writeFiles(ws, { [`f${i}.txt`]: `${i}\n` });
      return g.commitWorkspace({ workTree: ws, indexFile: ws + '.index', parent: head, branch: `evolve/run/p${i}`, message: `p${i}` });
    }));
    expect(new Set(shas).size).toBe(4);
    await g.push(remote, ['evolve/run/p1', 'evolve/run/p3']);
    expect(git(remote, 'rev-parse', 'evolve/run/p1')).toBe(shas[0]);
    expect(git(remote, 'rev-parse', 'evolve/run/p3')).toBe(shas[2]);
    expect(await g.readFile(shas[1], 'f2.txt')).toBe('2\n');
    expect(await g.readFile(shas[1], 'nope.txt')).toBeNull();
  });
});

describe('Git.commitWorkspace excludes', () => {
  it('keeps runner-placed folders out of the commit whether or not the repo ignores them', async () => {
    for (const ignore of [true, false]) {
      const repo = makeRepo({ 'a.txt': 'a\n', ...(ignore ? { '.gitignore': 'node_modules/\n' } : {}) });
      const g = new Git(path.join(repo, '.git'));
      const head = await g.resolveHead();
      const ws = path.join(repo, '.git', 'evolve', 'r', 'c');
      await g.materialise(head, ws, ws + '.index');
      writeFiles(ws, { 'node_modules/dep/index.js': 'x\n', 'b.txt': 'b\n' });
      const sha = await g.commitWorkspace({ workTree: ws, indexFile: ws + '.index', parent: head, branch: 'c', message: 'm', exclude: ['node_modules'] });
      expect(git(repo, 'ls-tree', '-r', '--name-only', sha)).not.toContain('node_modules');
      expect(git(repo, 'ls-tree', '-r', '--name-only', sha)).toContain('b.txt');
    }
  });
});
