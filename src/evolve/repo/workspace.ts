/**
 * Workspaces of one run: `<workdir>/<run-id>/<candidate-id>/` for the agent, `<candidate-id>.eval/` for the fresh
 * checkout that is built and tested, each with its own index file beside it (outside anything a jail can write).
 * Dependencies are a hardlink copy (`cp -al`) of the parent's folder, bound read-only into the jail, so no
 * candidate can change another's copy. A workspace is removed when no longer needed; its branch stays.
 */
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { runProcess } from '../../process/run.ts';
import type { Git } from './git.ts';

export interface Prepared {
  dir: string;
  indexFile: string;
  /** The workspace's dependency folder (hardlinked), or null when there is none. */
  nodeModules: string | null;
}

export class Workspaces {
  readonly root: string;

  /** `ownsWorkdir`: the work directory itself may be removed once no run uses it (never a user's own --workdir). */
  constructor(private readonly git: Git, workdir: string, runId: string, private readonly ownsWorkdir = false) {
    this.root = path.join(workdir, runId);
  }

  dir(candidateId: string, kind: 'agent' | 'eval' = 'agent'): string {
    return path.join(this.root, kind === 'agent' ? candidateId : `${candidateId}.eval`);
  }

  /** A folder for dependencies a candidate installed itself (when it changed the lockfile). */
  depsDir(candidateId: string): string {
    return path.join(this.root, 'deps', candidateId);
  }

  /** Writes commit `sha` into a fresh workspace and hardlinks `depsFrom` (a node_modules folder) into it. */
  async prepare(candidateId: string, sha: string, depsFrom: string | null, kind: 'agent' | 'eval' = 'agent'): Promise<Prepared> {
    const dir = this.dir(candidateId, kind);
    const indexFile = `${dir}.index`;
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    await rm(indexFile, { force: true });
    await this.git.materialise(sha, dir, indexFile);
    await mkdir(`${dir}.home`, { recursive: true });
    let nodeModules: string | null = null;
    if (depsFrom && existsSync(depsFrom)) {
      nodeModules = path.join(dir, 'node_modules');
      await rm(nodeModules, { recursive: true, force: true, maxRetries: 5 });
      await hardlinkCopy(depsFrom, nodeModules);
    }
    return { dir, indexFile, nodeModules };
  }

  /** A workspace left on disk (by a stopped or crashed run). */
  hasWorkspace(candidateId: string): boolean {
    return existsSync(this.dir(candidateId)) && existsSync(`${this.dir(candidateId)}.index`);
  }

  existing(candidateId: string): Prepared {
    const dir = this.dir(candidateId);
    const nodeModules = path.join(dir, 'node_modules');
    return { dir, indexFile: `${dir}.index`, nodeModules: existsSync(nodeModules) ? nodeModules : null };
  }

  /**
   * Removes a workspace. An agent's HOME (`<id>.home`: its own session files, e.g. Claude Code's transcripts) stays
   * until the run ends (removeAll), for a look during the run and for the next attempt of a resumed candidate.
   */
  async remove(candidateId: string, kind: 'agent' | 'eval' = 'agent'): Promise<void> {
    const dir = this.dir(candidateId, kind);
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    await rm(`${dir}.index`, { force: true });
    if (kind === 'eval') await rm(`${dir}.home`, { recursive: true, force: true, maxRetries: 5 });
  }

  /** Removes everything of the run (workspaces, indexes, installed dependencies). */
  async removeAll(): Promise<void> {
    await rm(this.root, { recursive: true, force: true, maxRetries: 5 });
    if (this.ownsWorkdir) await rmdir(path.dirname(this.root)).catch(() => {}); // only when no other run is using it
  }

  /**
   * The run's directory, closed to other users (0700, whatever the umask or an earlier run left): root in a jail may
   * mark a file set-user-ID, and the bits are cleared only when the jail ends (src/tools/sandbox/setid.ts).
   */
  async ensureRoot(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await chmod(this.root, 0o700);
  }
}

/**
 * `cp -al`: a hardlink copy, the fastest way to give a workspace its own dependency tree on one file system
 * (read-only in the jail, since a hardlink shares its bytes with the original). Across file systems: `cp -a`.
 */
export async function hardlinkCopy(from: string, to: string): Promise<void> {
  try {
    await cp(['-al', '--', from, to]);
  } catch {
    await rm(to, { recursive: true, force: true, maxRetries: 5 });
    await cp(['-a', '--', from, to]);
  }
}

async function cp(args: string[]): Promise<void> {
  const r = await runProcess('cp', args);
  if (r.exitCode !== 0) throw new Error(`cp ${args.join(' ')} failed: ${(r.error ?? r.stderr).trim()}`);
}

/** The largest file a candidate may leave for the commit, and the most its files may hold together. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/**
 * Removes, before the commit, the files that would make it too big: any file over MAX_FILE_BYTES, and files (in path
 * order) past MAX_TOTAL_BYTES together. A sparse file costs a candidate nothing, while committing it makes the runner
 * hash and compress every byte and the evaluation checkout write them all out on the host. Runs after the jail is
 * gone; never follows links; skips `.git` folders (never committed) and the top-level paths in `skip`.
 * Returns the removed paths (relative) with their sizes.
 */
export async function pruneOversized(dir: string, skip: readonly string[] = []): Promise<{ file: string; bytes: number }[]> {
  const removed: { file: string; bytes: number }[] = [];
  let total = 0;
  const visit = async (rel: string): Promise<void> => {
    const names = (await readdir(path.join(dir, rel)).catch(() => [] as string[])).sort();
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      if (name === '.git' || (!rel && skip.includes(name))) continue;
      const info = await lstat(path.join(dir, child)).catch(() => null);
      if (!info) continue;
      if (info.isDirectory()) await visit(child);
      else if (info.isFile()) {
        if (info.size > MAX_FILE_BYTES || total + info.size > MAX_TOTAL_BYTES) {
          await rm(path.join(dir, child), { force: true });
          removed.push({ file: child, bytes: info.size });
        } else total += info.size;
      }
    }
  };
  await visit('');
  return removed;
}

