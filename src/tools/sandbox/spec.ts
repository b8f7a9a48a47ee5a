/**
 * What the runner asks for when it jails a command. The runner draws the jail; nothing a candidate writes can widen
 * it, because the spec is built by the runner's code from the runner's own view of the file system.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface Bind {
  src: string;
  dest: string;
  readOnly: boolean;
}

export interface JailLimits {
  /** Most processes and threads alive at once in the jail (cgroup pids.max). */
  pids: number;
  /** Most memory the jail may use (cgroup memory.limit_in_bytes). */
  memoryBytes: number;
  /** The largest file the jail may write (RLIMIT_FSIZE); see disk.ts. Absent: no limit. */
  fileBytes?: number;
  /** How much its writable paths may grow on disk before the jail is killed; see disk.ts. Absent: not watched. */
  diskGrowthBytes?: number;
  /** How many files (inodes) its writable paths may gain before the jail is killed; see disk.ts. Absent: not watched. */
  diskGrowthFiles?: number;
  /** Kill the jail when its workspace's file system has less free than this (at most half the free space at start). */
  minFreeBytes?: number;
}

export interface JailSpec {
  /** The candidate's workspace: the one place it may write (besides its private /tmp and HOME). */
  workspace: string;
  /** Working directory of the command, inside the jail. */
  cwd: string;
  command: string[];
  /** The command's whole environment; build it with jailEnv(). bwrap itself is spawned with it. */
  env: Record<string, string>;
  /** Host paths bound read-only at the same place, over whatever is above them (dependencies, the target). */
  readOnly: string[];
  /** Host paths bound writable at the same place (an npm install's own node_modules). */
  writable: string[];
  /** Host paths hidden: directories become an empty tmpfs, files read as empty. */
  hide: string[];
  /** Other binds (the model proxy's unix socket, the runner's relay script). */
  binds: Bind[];
  /** 'none': a network namespace with loopback only. 'host': the host's network (npm install). */
  network: 'none' | 'host';
  limits: JailLimits;
}

/** The uid and gid jailed processes run as inside their user namespace (mapped to the runner's own outside). */
export const JAIL_UID = 1000;
/** Open files per jailed process (soft and hard): enough for a test runner, not for a flood of connections. */
export const JAIL_NOFILE = 4096;

/** Generous enough for a test runner with a worker per core (pids counts threads), tight enough to stop a fork bomb. */
export const DEFAULT_LIMITS: JailLimits = { pids: 1024, memoryBytes: 4 * 1024 ** 3, fileBytes: 4 * 1024 ** 3, diskGrowthBytes: 8 * 1024 ** 3, diskGrowthFiles: 1_000_000, minFreeBytes: 1024 ** 3 };

/**
 * What every jail hides unless the caller knows better: the user's home and root's, the usual credential files,
 * the target repository's `.env*` files, its credential files, and its git config (a CI checkout leaves an
 * `http.<url>.extraheader` with a token there; remote URLs may carry passwords). `/run` (host daemons' sockets, such
 * as docker's) is hidden by buildJail.
 */
export function defaultHidden(options: { target?: string; home?: string } = {}): string[] {
  const home = options.home ?? homedir();
  const hidden = new Set<string>([home, '/root']);
  for (const name of ['.ssh', '.aws', '.npmrc', '.gnupg', '.netrc', '.docker', '.kube', '.config', '.git-credentials', '.anthropic']) {
    hidden.add(path.join(home, name));
  }
  if (options.target) {
    let names: string[] = [];
    try {
      names = readdirSync(options.target);
    } catch {
      // No target to look in: nothing of it to hide.
    }
    for (const name of names) if (name.startsWith('.env')) hidden.add(path.join(options.target, name));
    for (const name of ['.git-credentials', '.netrc']) hidden.add(path.join(options.target, name));
    for (const dir of gitDirs(options.target)) {
      for (const name of ['config', 'config.worktree', 'credentials', '.git-credentials']) hidden.add(path.join(dir, name));
    }
  }
  return [...hidden];
}

/**
 * The target's git directories: `.git` itself, or where a `.git` file points (a worktree or submodule), with the
 * common directory it names. What is not there is simply not hidden (buildJail skips missing paths).
 */
function gitDirs(target: string): string[] {
  const dotGit = path.join(target, '.git');
  let dir = dotGit;
  try {
    if (!statSync(dotGit).isDirectory()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      if (!pointer) return [];
      dir = path.resolve(target, pointer);
    }
  } catch {
    return [];
  }
  const dirs = [dir];
  try {
    const common = readFileSync(path.join(dir, 'commondir'), 'utf8').trim();
    if (common) dirs.push(path.resolve(dir, common));
  } catch {
    // not a worktree's git directory: no common one
  }
  return dirs;
}
