/**
 * All git work on the target, through the runner's own git directory and a per-candidate index.
 * A workspace is candidate-controlled: any `.git` file or folder in it, and any config, hook or fsmonitor it names,
 * is ignored — GIT_DIR and GIT_WORK_TREE are always set by the runner, the system config is not read, hooks,
 * fsmonitor and external diff drivers are switched off, and a nested `.git` is excluded from every add.
 * Writes to the target's refs (and pushes) are serialised by one mutex per Git instance; objects need no lock.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CONTEXT_FILE } from '../../agent/protocol.ts';
import { runProcess } from '../../process/run.ts';
import { Mutex } from './mutex.ts';

export interface DiffStats { added: number; removed: number; files: number }

export class GitError extends Error {
  constructor(message: string, readonly stderr: string, readonly exitCode: number | null) {
    super(message);
    this.name = 'GitError';
  }
}

const HARDENING = [
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.untrackedCache=false',
  '-c', 'diff.external=',
  '-c', 'core.quotePath=false',
];


interface GitCall { workTree?: string; indexFile?: string; input?: string; allowFail?: boolean }

export class Git {
  private readonly writes = new Mutex();

  /** `gitDir` is the target's `.git` directory (absolute). */
  constructor(readonly gitDir: string, private readonly identity = { name: 'evolve', email: 'evolve@localhost' }) {}

  /** Finds the git directory of the repository that holds `dir`, or null when it is not a git work tree. */
  static async discover(dir: string): Promise<{ gitDir: string; topLevel: string } | null> {
    const out = await exec(['rev-parse', '--absolute-git-dir', '--show-toplevel'], { cwd: dir, env: baseEnv() })
      .catch(() => null);
    if (!out || out.code !== 0) return null;
    const [gitDir, topLevel] = out.stdout.trim().split('\n');
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
   * Writes the tree of `sha` into the fresh directory `dir`, using `indexFile` as that directory's index.
   * Unlike `git worktree add` nothing is written into the target's .git except the per-candidate index.
   */
  async materialise(sha: string, dir: string, indexFile: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await mkdir(path.dirname(indexFile), { recursive: true });
    // One unpack: writes the files and records their stat data in the index, so the commit only re-reads changes.
    await this.git(['read-tree', '-u', '--reset', sha], { workTree: dir, indexFile });
  }

  /**
   * Commits the full content of `workTree` (any nested `.git` excluded) as one commit whose only parent is
   * `parent`, and points `refs/heads/<branch>` at it. Returns the new commit's sha.
   */
  async commitWorkspace(opts: {
    workTree: string; indexFile: string; parent: string; branch: string; message: string;
    /** Top-level paths the runner put there itself (e.g. node_modules) that are not candidate content. */
    exclude?: string[];
  }): Promise<string> {
    const { workTree, indexFile } = opts;
    // The index is the candidate's own and objects are content-addressed files git writes atomically, so candidates
    // hash and write their trees in parallel; only the ref update, the shared state, waits its turn.
    // An exclude pathspec naming an ignored path makes `git add` fail, and an ignored path needs none.
    const excludes: string[] = [];
    for (const p of opts.exclude ?? []) {
      const ignored = await this.git(['check-ignore', '-q', '--no-index', '--', p], { workTree, indexFile, allowFail: true });
      if (ignored === null) excludes.push(`:(exclude,top,literal)${p}`);
    }
    await this.git(['add', '--all', '--', '.', ':(exclude,glob)**/.git', ':(exclude,glob)**/.git/**', ...excludes], { workTree, indexFile });
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

  /** A file's content at a commit, or null when the commit has no such file. */
  async readFile(sha: string, file: string): Promise<string | null> {
    return this.git(['cat-file', 'blob', `${sha}:${file}`], { allowFail: true });
  }

  /** Pushes branches to `remote` (a configured remote name, a path or a URL); the user's credentials apply. */
  push(remote: string, branches: string[]): Promise<void> {
    if (branches.length === 0) return Promise.resolve();
    return this.writes.run(async () => {
      await this.git(['push', '--no-verify', '--porcelain', '--end-of-options', remote, ...branches.map((b) => `refs/heads/${b}:refs/heads/${b}`)]);
    });
  }

  /** Removes a candidate's index file (the workspace directory is removed by its owner). */
  async removeIndex(indexFile: string): Promise<void> {
    await rm(indexFile, { force: true });
  }

  private async git(args: string[], call: GitCall & { allowFail: true }): Promise<string | null>;
  private async git(args: string[], call?: GitCall): Promise<string>;
  private async git(args: string[], call: GitCall = {}): Promise<string | null> {
    const env = baseEnv();
    env.GIT_DIR = this.gitDir;
    // Calls without a work tree run in the git directory and only read or write objects and refs.
    if (call.workTree) env.GIT_WORK_TREE = call.workTree;
    if (call.indexFile) env.GIT_INDEX_FILE = call.indexFile;
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = this.identity.name;
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = this.identity.email;
    const out = await exec([...HARDENING, ...args], { cwd: call.workTree ?? this.gitDir, env, input: call.input });
    if (out.code !== 0) {
      if (call.allowFail) return null;
      throw new GitError(`git ${args[0]} failed: ${out.stderr.trim().split('\n').pop() ?? ''}`, out.stderr, out.code);
    }
    return out.stdout;
  }
}

/** The environment every git call starts from: no system config, no prompts, no inherited GIT_* variables. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.LC_ALL = 'C';
  return env;
}

/** Git's output is read whole (trees, file contents, diffs): past this it is refused rather than cut. */
const MAX_GIT_OUTPUT_BYTES = 512 * 1024 * 1024;

async function exec(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await runProcess('git', args, { cwd: opts.cwd, env: opts.env, input: opts.input, maxOutputBytes: MAX_GIT_OUTPUT_BYTES });
  if (r.error) throw new GitError(r.error, r.stderr, null);
  if (r.truncated) throw new GitError(`git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} printed more than ${MAX_GIT_OUTPUT_BYTES} bytes`, '', r.exitCode);
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}
