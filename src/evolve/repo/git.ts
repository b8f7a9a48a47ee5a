/**
 * All git work on the target, through the runner's own git directory and a per-candidate index.
 * A workspace is candidate-controlled: any `.git` file or folder in it, and any config, hook, fsmonitor or
 * attribute it names, is ignored — GIT_DIR and GIT_WORK_TREE are always set by the runner, git runs hardened
 * (./hardening.ts: no global or system config, no hooks, drivers or network), git never reads or writes a
 * workspace's files itself (./tree-io.ts), and a nested `.git` is removed before a commit, so no gitlink is made.
 * Writes to the target's refs (and pushes) are serialised by one mutex per Git instance; objects need no lock.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CONTEXT_FILE } from '../../agent/protocol.ts';
import { runProcess } from '../../process/run.ts';
import { hardenedGitArgs, hardenedGitEnv } from './hardening.ts';
import { Mutex } from './mutex.ts';
import { hashWorkspace, indexInfo, parseCatFileBatch, parseLsTree, removeNestedGit, writeCheckout, type IndexLine } from './tree-io.ts';

export interface DiffStats { added: number; removed: number; files: number }

export interface TreeEntry { path: string; mode: string; blob: string }

export class GitError extends Error {
  constructor(message: string, readonly stderr: string, readonly exitCode: number | null) {
    super(message);
    this.name = 'GitError';
  }
}


interface GitCall { workTree?: string; indexFile?: string; input?: string | Buffer; allowFail?: boolean; network?: boolean }

/** What a candidate commit's title ends with in a --push run, so that the forges' CI skips the pushed branch. */
export const SKIP_CI = '[skip ci]';

/** The largest candidate file the runner reads into memory (package.json for the agent command, say). */
export const MAX_READ_BYTES = 1024 * 1024;

export class Git {
  private readonly writes = new Mutex();

  /** `gitDir` is the target's `.git` directory (absolute). */
  constructor(readonly gitDir: string, private readonly identity = { name: 'evolve', email: 'evolve@localhost' }) {}

  /** Finds the git directory of the repository that holds `dir`, or null when it is not a git work tree. */
  static async discover(dir: string): Promise<{ gitDir: string; topLevel: string } | null> {
    const out = await exec([...hardenedGitArgs(), 'rev-parse', '--absolute-git-dir', '--show-toplevel'], { cwd: dir, env: hardenedGitEnv() })
      .catch(() => null);
    if (!out || out.code !== 0) return null;
    const [gitDir, topLevel] = out.stdout.toString('utf8').trim().split('\n');
    if (!gitDir || !topLevel) return null;
    return { gitDir, topLevel };
  }

  async resolve(rev: string): Promise<string> {
    return (await this.git(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim();
  }

  resolveHead(): Promise<string> {
    return this.resolve('HEAD');
  }

  /** True when tracked files of `workTree` differ from HEAD (staged or not). Writes nothing, not even the index. */
  async isDirty(workTree: string): Promise<boolean> {
    const out = await this.git(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'], { workTree });
    return out.trim().length > 0;
  }

  async branchExists(branch: string): Promise<boolean> {
    const out = await this.git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { allowFail: true });
    return out !== null;
  }

  /** Creates (or moves, when it already points elsewhere) `refs/heads/<branch>` to `sha`. */
  createBranch(branch: string, sha: string): Promise<void> {
    return this.writes.run(async () => {
      await this.git(['update-ref', '-m', 'evolve: fork', `refs/heads/${branch}`, sha]);
    });
  }

  /**
   * Writes the tree of `sha` into the fresh directory `dir`, and `indexFile` as that directory's index (the tree's
   * entries, which the commit uses to tell tracked files from ignored ones). Unlike `git worktree add` nothing is
   * written into the target's .git except the per-candidate index; unlike `read-tree -u` no attribute or filter of
   * the tree applies: the blobs are written as they are stored.
   */
  async materialise(sha: string, dir: string, indexFile: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await mkdir(path.dirname(indexFile), { recursive: true });
    // A work tree is named (a bare repository, a worker's, refuses read-tree without one); without -u nothing is written there.
    await this.git(['read-tree', '--reset', sha], { workTree: dir, indexFile });
    const entries = parseLsTree(await this.bytes(['ls-tree', '-r', '-z', '--full-tree', sha]));
    await writeCheckout(dir, entries, async (shas) =>
      parseCatFileBatch(await this.bytes(['cat-file', '--batch'], {}, shas.join('\n') + '\n'), shas.length));
  }

  /**
   * Commits the full content of `workTree` as one commit whose only parent is `parent`, and points
   * `refs/heads/<branch>` at it. Returns the new commit's sha. Every `.git` in the workspace is removed first; the files are listed by `ls-files` (tracked ones and untracked ones not ignored,
   * as `git add --all` would take them) and hashed without filters; the parent's own gitlinks (submodules) are kept
   * as they were, and no other gitlink can arise.
   */
  async commitWorkspace(opts: {
    workTree: string; indexFile: string; parent: string; branch: string; message: string;
    /** Top-level paths the runner put there itself (e.g. node_modules) that are not candidate content. */
    exclude?: string[];
  }): Promise<string> {
    const { workTree, indexFile } = opts;
    const exclude = opts.exclude ?? [];
    // The index is the candidate's own and objects are content-addressed files git writes atomically, so candidates
    // hash and write their trees in parallel; only the ref update, the shared state, waits its turn.
    await removeNestedGit(workTree, exclude);
    const listed = await this.bytes(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.',
      ...exclude.map((p) => `:(exclude,top,literal)${p}`)], { workTree, indexFile });
    const paths = [...new Set(listed.toString('utf8').split('\0').filter(Boolean))];
    const gitlinks: IndexLine[] = parseLsTree(await this.bytes(['ls-tree', '-r', '-z', '--full-tree', opts.parent]))
      .filter((e) => e.mode === '160000').map((e) => ({ mode: '160000', sha: e.sha, path: e.path }));
    const kept = new Set(gitlinks.map((g) => g.path));
    const lines = [...await hashWorkspace(workTree, paths.filter((p) => !kept.has(p)), (args, input) => this.bytes(args, {}, input)), ...gitlinks];
    await rm(indexFile, { force: true });
    await this.git(['update-index', '-z', '--index-info'], { workTree, indexFile, input: indexInfo(lines) });
    const tree = (await this.git(['write-tree'], { workTree, indexFile })).trim();
    const sha = (await this.git(['commit-tree', tree, '-p', opts.parent, '-F', '-'], { input: opts.message })).trim();
    await this.writes.run(() => this.git(['update-ref', '-m', 'evolve: commit candidate', `refs/heads/${opts.branch}`, sha]));
    return sha;
  }

  /**
   * One pass over the diff between two commits: every changed path (agent_context.json included, both sides of a
   * rename) and the lines added/removed excluding agent_context.json. Binary files count as changed files only.
   */
  async diff(from: string, to: string): Promise<{ stats: DiffStats; paths: string[] }> {
    const out = await this.git(['diff', '--numstat', '-z', '--no-ext-diff', '--no-textconv', '--no-renames', from, to]);
    const stats: DiffStats = { added: 0, removed: 0, files: 0 };
    const paths: string[] = [];
    // -z numstat records: "<added>\t<removed>\t<path>\0"
    for (const record of out.split('\0')) {
      const [a, r, file] = record.split('\t');
      if (file === undefined) continue;
      paths.push(file);
      if (file === CONTEXT_FILE) continue;
      stats.files++;
      stats.added += Number(a) || 0;
      stats.removed += Number(r) || 0;
    }
    return { stats, paths };
  }

  /** Every file of a commit's tree (recursively): its path, mode and blob id. */
  async listTree(sha: string): Promise<TreeEntry[]> {
    const out = await this.git(['ls-tree', '-r', '-z', '--full-tree', sha]);
    const entries: TreeEntry[] = [];
    for (const record of out.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, blob] = record.slice(0, tab).split(' ');
      if (type === 'blob') entries.push({ path: record.slice(tab + 1), mode, blob });
    }
    return entries;
  }

  /**
   * Writes `paths` as they are in commit `sha` into the work tree `dir`, overwriting what is there, through a
   * scratch index of its own (`indexFile`, removed afterwards). Git replaces a symlink met on the way rather than
   * writing through it, so a candidate's link cannot send the write outside `dir`.
   */
  async restorePaths(sha: string, dir: string, paths: readonly string[], indexFile: string): Promise<void> {
    if (paths.length === 0) return;
    try {
      await this.git(['read-tree', sha], { workTree: dir, indexFile });
      await this.git(['checkout-index', '-f', '-z', '--stdin'], { workTree: dir, indexFile, input: paths.join('\0') + '\0' });
    } finally {
      await rm(indexFile, { force: true });
    }
  }

  /** The lines the diff between two commits adds, as a unified diff without context (for counting stub markers). */
  async addedLines(from: string, to: string): Promise<string> {
    return this.git(['diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', from, to, '--', '.', `:(exclude,top,literal)${CONTEXT_FILE}`]);
  }

  /**
   * A regular file's content at a commit, or null when the commit has no such file, has a link or a folder there, or
   * holds more than `maxBytes` (MAX_READ_BYTES unless said): a candidate's file is read from its committed blob,
   * never through the workspace, where a link to /dev/stdin or /dev/zero would hang or flood the runner.
   */
  async readFile(sha: string, file: string, maxBytes = MAX_READ_BYTES): Promise<string | null> {
    const entry = parseLsTree(await this.bytes(['ls-tree', '-z', '--full-tree', sha, '--', file], {}).catch(() => Buffer.alloc(0)))[0];
    if (!entry || entry.path !== file || entry.type !== 'blob' || entry.mode === '120000') return null;
    const size = Number((await this.git(['cat-file', '-s', entry.sha], { allowFail: true }))?.trim());
    if (!Number.isFinite(size) || size > maxBytes) return null;
    return this.git(['cat-file', 'blob', entry.sha], { allowFail: true });
  }

  /**
   * Pushes branches to `remote` (a configured remote name, a path or a URL); the user's credentials apply. Asks the
   * remote to skip CI (`-o ci.skip`, GitLab's push option) where it takes push options, and pushes without it where
   * it does not (the candidate commits say `[skip ci]` too). Returns whether the option went through.
   */
  push(remote: string, branches: string[]): Promise<{ ciSkipOption: boolean }> {
    if (branches.length === 0) return Promise.resolve({ ciSkipOption: false });
    return this.writes.run(async () => {
      const refs = branches.map((b) => `refs/heads/${b}:refs/heads/${b}`);
      const push = (options: string[]) => this.call(['push', '--no-verify', '--porcelain', ...options, '--end-of-options', remote, ...refs], { network: true });
      try {
        await push(['--push-option=ci.skip']);
        return { ciSkipOption: true };
      } catch (err) {
        if (!(err instanceof GitError) || !/does not support push options/.test(err.stderr)) throw err;
      }
      await push([]);
      return { ciSkipOption: false };
    });
  }

  /**
   * Pushes refspecs as given (`+src:dst` forces, `:dst` deletes) and fetches refspecs into this repository: how a
   * queued run's parents reach its workers and their candidates come back (`--remote`). No tags, no hooks.
   */
  pushRefs(remote: string, refspecs: string[]): Promise<void> {
    if (refspecs.length === 0) return Promise.resolve();
    return this.writes.run(async () => {
      await this.git(['push', '--no-verify', '--porcelain', '--end-of-options', remote, ...refspecs], { network: true });
    });
  }

  fetch(remote: string, refspecs: string[]): Promise<void> {
    if (refspecs.length === 0) return Promise.resolve();
    return this.writes.run(async () => {
      await this.git(['-c', 'fetch.recurseSubmodules=false', 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--end-of-options', remote, ...refspecs], { network: true });
    });
  }

  /** The names of the refs of `remote` that match `pattern` (e.g. `refs/evolve/<run>/*`). */
  async remoteRefs(remote: string, pattern: string): Promise<string[]> {
    const out = await this.git(['ls-remote', '--refs', remote, pattern], { network: true });
    return out.split('\n').map((l) => l.split('\t')[1]).filter((r): r is string => !!r);
  }

  /** Creates an empty bare repository at `gitDir` unless one is there (a worker's own object store). */
  static async initBare(gitDir: string): Promise<Git> {
    await mkdir(gitDir, { recursive: true });
    const out = await exec([...hardenedGitArgs(), 'init', '--quiet', '--bare', gitDir], { cwd: gitDir, env: hardenedGitEnv() });
    if (out.code !== 0) throw new GitError(`git init failed: ${out.stderr.trim()}`, out.stderr, out.code);
    return new Git(gitDir);
  }

  /** Removes a candidate's index file (the workspace directory is removed by its owner). */
  async removeIndex(indexFile: string): Promise<void> {
    await rm(indexFile, { force: true });
  }

  private async git(args: string[], call: GitCall & { allowFail: true }): Promise<string | null>;
  private async git(args: string[], call?: GitCall): Promise<string>;
  private async git(args: string[], call: GitCall = {}): Promise<string | null> {
    const out = await this.call(args, call);
    return out === null ? null : out.toString('utf8');
  }

  /** A git call's raw stdout (blobs, NUL-separated lists); throws on failure. */
  private async bytes(args: string[], call: GitCall = {}, input?: string | Buffer): Promise<Buffer> {
    return (await this.call(args, { ...call, input: input ?? call.input }))!;
  }

  private async call(args: string[], call: GitCall): Promise<Buffer | null> {
    const env = hardenedGitEnv({ network: call.network });
    env.GIT_DIR = this.gitDir;
    // Calls without a work tree run in the git directory and only read or write objects, refs and indexes.
    if (call.workTree) env.GIT_WORK_TREE = call.workTree;
    if (call.indexFile) env.GIT_INDEX_FILE = call.indexFile;
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = this.identity.name;
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = this.identity.email;
    const out = await exec([...hardenedGitArgs({ network: call.network }), ...args], { cwd: call.workTree ?? this.gitDir, env, input: call.input });
    if (out.code !== 0) {
      if (call.allowFail) return null;
      throw new GitError(`git ${args[0]} failed: ${out.stderr.trim().split('\n').pop() ?? ''}`, out.stderr, out.code);
    }
    return out.stdout;
  }
}

/** Git's output is read whole (trees, file contents, diffs): past this it is refused rather than cut. */
const MAX_GIT_OUTPUT_BYTES = 512 * 1024 * 1024;

/** Runs git (src/process/run.ts); stdout is kept as bytes (blobs are not text), whole up to MAX_GIT_OUTPUT_BYTES. */
async function exec(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string | Buffer }): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const r = await runProcess('git', args, {
    cwd: opts.cwd, env: opts.env, input: opts.input, maxOutputBytes: 64 * 1024,
    onStdout: (chunk) => { size += chunk.length; if (size <= MAX_GIT_OUTPUT_BYTES) chunks.push(chunk); },
  });
  if (r.error) throw new GitError(r.error, r.stderr, null);
  if (size > MAX_GIT_OUTPUT_BYTES) throw new GitError(`git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} printed more than ${MAX_GIT_OUTPUT_BYTES} bytes`, '', r.exitCode);
  return { code: r.exitCode, stdout: Buffer.concat(chunks), stderr: r.stderr };
}
