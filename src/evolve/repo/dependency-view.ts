/**
 * A workspace's view of its parent's dependencies. Tools write into node_modules as they run — Vite bundles a
 * TypeScript config into `node_modules/.vite-temp`, vitest and Vite keep caches in `.vite`/`.vitest`, babel-loader,
 * ava, eslint, ts-jest and esbuild-register in `.cache` — so a dependency folder that is read-only throughout makes
 * them fail (`EROFS`). The view is:
 *   - a hardlink copy (`cp -al`) of every top-level entry but those folders, bound read-only into the jail: nothing
 *     there can be changed, and a hardlink shares its bytes with the parent's copy at no cost;
 *   - those folders created fresh and empty, real directories of the workspace's own (never hardlinks of the
 *     parent's files, which a write in place would reach), bound writable over the read-only copy.
 * What a tool writes there stays in the workspace and goes with it. The judge empties them between the build and the
 * tests (resetWritable), so the build — the candidate's code — cannot leave a cache entry that changes how the
 * restored tests run.
 */
import { runProcess } from '../../process/run.ts';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** The folders of node_modules that tools may write, each fresh per workspace. */
export const WRITABLE_DEP_DIRS = ['.cache', '.vite', '.vite-temp', '.vitest'] as const;

/** The writable folders of a view at `nodeModules`. */
export function writableDirs(nodeModules: string): string[] {
  return WRITABLE_DEP_DIRS.map((name) => path.join(nodeModules, name));
}

/** Makes the view of `from` at `to` (which must not exist) and returns its writable folders. */
export async function dependencyView(from: string, to: string): Promise<string[]> {
  await mkdir(to);
  const names = (await readdir(from)).filter((name) => !(WRITABLE_DEP_DIRS as readonly string[]).includes(name)).sort();
  if (names.length > 0) await hardlinkInto(names.map((name) => path.join(from, name)), to);
  const writable = writableDirs(to);
  for (const dir of writable) await mkdir(dir);
  return writable;
}

/** Empties the writable folders of a view (they stay, empty, for the next jail to write). */
export async function resetWritable(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    await mkdir(dir);
  }
}

/** The jail's mounts for a workspace's dependencies: the view read-only, its cache folders writable over it. */
export function dependencyMounts(ws: { nodeModules: string | null; depsWritable: readonly string[] }): { readOnly: string[]; writable: string[] } {
  return ws.nodeModules ? { readOnly: [ws.nodeModules], writable: [...ws.depsWritable] } : { readOnly: [], writable: [] };
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

/** `cp -al sources… dir/`, falling back to `cp -a` (another file system) for what did not link. */
async function hardlinkInto(sources: string[], dir: string): Promise<void> {
  try {
    await cp(['-al', '--', ...sources, `${dir}/`]);
  } catch {
    for (const name of await readdir(dir)) await rm(path.join(dir, name), { recursive: true, force: true, maxRetries: 5 });
    await cp(['-a', '--', ...sources, `${dir}/`]);
  }
}

async function cp(args: string[]): Promise<void> {
  const r = await runProcess('cp', args);
  if (r.exitCode !== 0) throw new Error(`cp ${args.slice(0, 3).join(' ')}… failed: ${(r.error ?? r.stderr).trim().slice(0, 500)}`);
}
