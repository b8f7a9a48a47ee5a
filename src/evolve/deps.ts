/**
 * Dependencies of a candidate that changed the lockfile: installed for it alone, in the sandbox with network but no
 * key, writing only its own dependency folder. Everyone else reuses their parent's folder by hardlink copy.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Git } from './git.ts';
import { candidateEnv, type ProcessExit, type Sandbox } from './sandbox.ts';

export const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];

export function lockfileChanged(changedPaths: readonly string[]): boolean {
  return changedPaths.some((p) => LOCKFILES.includes(p));
}

/**
 * Runs `npm ci` for `commit` in `dir` (package.json and the lockfile only) and returns the installed node_modules,
 * or the failed process when the install did not succeed.
 */
export async function installDeps(
  git: Git, sandbox: Sandbox, commit: string, dir: string, timeoutMs: number, signal?: AbortSignal,
): Promise<{ nodeModules: string | null; exit: ProcessExit }> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const file of ['package.json', ...LOCKFILES]) {
    const text = await git.readFile(commit, file);
    if (text !== null) await writeFile(path.join(dir, file), text);
  }
  await mkdir(`${dir}.home`, { recursive: true });
  const exit = await sandbox.run({
    command: ['npm', 'ci', '--no-audit', '--no-fund'],
    workspace: dir,
    env: candidateEnv({}, `${dir}.home`),
    readOnly: [],
    network: 'host',
    timeoutMs,
    signal,
  });
  await rm(`${dir}.home`, { recursive: true, force: true });
  const ok = exit.code === 0 && !exit.timedOut;
  return { nodeModules: ok ? path.join(dir, 'node_modules') : null, exit };
}
