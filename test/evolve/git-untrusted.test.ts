/**
 * The runner's git against content a candidate chose: attributes naming filters that the user's global config
 * defines (git-lfs's block, say), a `.git` file pointing into another repository, links where the runner reads.
 * Real git, real repositories; the filters would touch a marker file and call a local HTTP server if they ran.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Git } from '../../src/evolve/repo/git.ts';
import { git, makeRepo, tempDir, writeFiles } from './helpers.ts';

let home: string;
let marker: string;
let hits = 0;
let server: Server;

beforeEach(async () => {
  hits = 0;
  server = createServer((_req, res) => { hits++; res.end('ok'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  home = tempDir('evolve-home-');
  marker = path.join(tempDir('evolve-marker-'), 'filter-ran');
  const filter = path.join(home, 'filter.sh');
  // What an LFS-style filter would do: talk to a server (the URL is the candidate's choice) and pass data through.
  writeFileSync(filter, `#!/bin/sh\ntouch ${marker}\ncurl -s http://127.0.0.1:${port}/leak >/dev/null 2>&1 || node -e "fetch('http://127.0.0.1:${port}/leak').catch(()=>{})"\ncat\n`);
  chmodSync(filter, 0o755);
  writeFileSync(path.join(home, '.gitconfig'), `[filter "lfs"]\n\tclean = ${filter}\n\tsmudge = ${filter}\n\trequired = true\n` +
    `[diff "lfs"]\n\ttextconv = ${filter}\n[core]\n\tattributesFile = ${path.join(home, 'attributes')}\n`);
  writeFileSync(path.join(home, 'attributes'), '* filter=lfs diff=lfs\n');
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Runs `fn` (the runner's git calls) with HOME at the home whose global config defines the filters. */
async function withHostileHome<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.HOME;
  process.env.HOME = home;
  try {
    return await fn();
  } finally {
    process.env.HOME = saved;
  }
}

describe('the runner\'s git and a candidate\'s attributes', () => {
  it('runs no filter, smudge, clean or textconv the global config defines, on checkout, commit or diff', async () => {
    // The seed itself carries the attributes (committed without the filters: the test's git has its own HOME).
    const repo = makeRepo({ '.gitattributes': 'leak.bin filter=lfs diff=lfs\n', 'leak.bin': 'version https://git-lfs.github.com/spec/v1\n', 'a.txt': 'a\n' });
    const g = new Git(path.join(repo, '.git'));
    const ws = path.join(tempDir(), 'ws');
    const again = path.join(tempDir(), 'judge');
    await withHostileHome(async () => {
      const head = await g.resolveHead();
      await g.materialise(head, ws, `${ws}.index`);
      writeFiles(ws, { 'leak.bin': 'changed\n', 'more.bin': 'new\n', '.gitattributes': '* filter=lfs diff=lfs\n' });
      const sha = await g.commitWorkspace({ workTree: ws, indexFile: `${ws}.index`, parent: head, branch: 'c', message: 'm' });
      await g.diff(head, sha);
      expect(await g.readFile(sha, 'leak.bin')).toBe('changed\n');
      await g.materialise(sha, again, `${again}.index`);
      await g.isDirty(repo);
    });
    expect(existsSync(marker)).toBe(false);
    expect(hits).toBe(0);
    // The control: the same global config does fire (and reach the server) for a plain git that reads it.
    const plain = path.join(tempDir(), 'plain');
    mkdirSync(plain);
    git(plain, 'init', '-q');
    writeFileSync(path.join(plain, 'x.bin'), 'x\n');
    await promisify(execFile)('git', ['add', 'x.bin'], { cwd: plain, env: { ...process.env, HOME: home } });
    expect(existsSync(marker)).toBe(true);
    expect(hits).toBeGreaterThan(0);
  });

  it('never follows a planted .git file into another repository: no gitlink, the files beside it committed', async () => {
    const hidden = makeRepo({ 'secret.txt': 'the other repository\n' });
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const g = new Git(path.join(repo, '.git'));
    const head = await g.resolveHead();
    const ws = path.join(tempDir(), 'ws');
    await g.materialise(head, ws, `${ws}.index`);
    writeFiles(ws, { 'sub/.git': `gitdir: ${path.join(hidden, '.git')}\n`, 'sub/x.txt': 'x\n', 'deep/er/.git/HEAD': 'ref: refs/heads/main\n', 'deep/er/y.txt': 'y\n' });
    // A complete repository planted in the workspace too, with a commit of its own.
    writeFiles(ws, { 'deep/z.txt': 'z\n' });
    git(path.join(ws, 'deep'), 'init', '-q');
    git(path.join(ws, 'deep'), 'add', 'z.txt');
    git(path.join(ws, 'deep'), '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '-m', 'x');
    const sha = await g.commitWorkspace({ workTree: ws, indexFile: `${ws}.index`, parent: head, branch: 'c', message: 'm' });
    const tree = git(repo, 'ls-tree', '-r', sha);
    expect(tree).not.toMatch(/^160000/m);
    expect(tree).not.toContain(git(hidden, 'rev-parse', 'HEAD'));
    expect(git(repo, 'ls-tree', '-r', '--name-only', sha).split('\n')).toEqual(expect.arrayContaining(['sub/x.txt', 'deep/er/y.txt', 'deep/z.txt', 'a.txt']));
  });

  it('keeps the parent\'s own submodule entry as it was, and commits links as links', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const sub = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${sub},vendor/lib`);
    git(repo, 'commit', '-q', '-m', 'submodule');
    const g = new Git(path.join(repo, '.git'));
    const head = await g.resolveHead();
    const ws = path.join(tempDir(), 'ws');
    await g.materialise(head, ws, `${ws}.index`);
    symlinkSync('/dev/zero', path.join(ws, 'zero'));
    rmSync(path.join(ws, 'a.txt'));
    const sha = await g.commitWorkspace({ workTree: ws, indexFile: `${ws}.index`, parent: head, branch: 'c', message: 'm' });
    const tree = git(repo, 'ls-tree', '-r', sha);
    expect(tree).toMatch(new RegExp(`^160000 commit ${sub}\tvendor/lib$`, 'm'));
    expect(tree).toMatch(/^120000 blob \w+\tzero$/m);
    expect(tree).not.toContain('a.txt');
    // read from the commit: a link is not a file, so nothing is read through it
    expect(await g.readFile(sha, 'zero')).toBeNull();
  });
});

describe('pushing survivors', () => {
  it('asks the remote to skip CI (-o ci.skip) where it takes push options, and pushes without it where it does not', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const g = new Git(path.join(repo, '.git'));
    git(repo, 'branch', 'evolve/r/c1');
    const withOptions = tempDir('evolve-remote-');
    git(withOptions, 'init', '-q', '--bare');
    git(withOptions, 'config', 'receive.advertisePushOptions', 'true');
    const seen = path.join(withOptions, 'options-seen');
    writeFileSync(path.join(withOptions, 'hooks', 'pre-receive'), `#!/bin/sh\necho "$GIT_PUSH_OPTION_COUNT $GIT_PUSH_OPTION_0" > ${seen}\ncat >/dev/null\n`);
    chmodSync(path.join(withOptions, 'hooks', 'pre-receive'), 0o755);
    expect(await g.push(withOptions, ['evolve/r/c1'])).toEqual({ ciSkipOption: true });
    expect(readFileSync(seen, 'utf8').trim()).toBe('1 ci.skip');
    const without = tempDir('evolve-remote-');
    git(without, 'init', '-q', '--bare');
    expect(await g.push(without, ['evolve/r/c1'])).toEqual({ ciSkipOption: false });
    expect(git(without, 'rev-parse', 'evolve/r/c1')).toBe(git(repo, 'rev-parse', 'HEAD'));
  });
});
