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
    if (text !== null) await writeFile(path.join(dir, file), file === 'package.json' ? withoutScripts(text) : text);
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

/**
 * The candidate's package.json without its `scripts`: npm ci runs the root package's lifecycle scripts (preinstall,
 * install, postinstall, prepare), and this jail has the host's network — the candidate's own code must not run in it.
 * Building is the evaluation's job, with the frozen commands and no network. (Dependencies' install scripts still
 * run: they come from the lockfile's pinned, integrity-checked packages.)
 */
export function withoutScripts(text: string): string {
  try {
    const pkg = JSON.parse(text) as unknown;
    if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) return text;
    const { scripts: _scripts, ...rest } = pkg as Record<string, unknown>;
    return JSON.stringify(rest, null, 2) + '\n';
  } catch {
    return text; // npm ci refuses it as well
  }
}
