/**
 * Dependencies of a candidate that changed the lockfile: installed for it alone, in the sandbox (network only for
 * npm's own fetching of allowed sources), no key, writing only its own dependency folder. Everyone else reuses
 * their parent's folder by hardlink copy.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Git } from './git.ts';
import { refuseLockfile, refusePackageJson, trustedOrigins } from './lockfile.ts';
import type { ProcessResult } from '../../process/run.ts';
import { candidateEnv, type Sandbox } from '../jail/sandbox.ts';

export const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];

export function lockfileChanged(changedPaths: readonly string[]): boolean {
  return changedPaths.some((p) => LOCKFILES.includes(p));
}

/**
 * Installs the dependencies of `commit` in `dir` (package.json and the lockfile only) and returns the installed
 * node_modules, or why not. Two jails: `npm ci --ignore-scripts` with the host's network, where only npm itself runs
 * and fetches only what the lockfile check allowed (lockfile.ts); then `npm rebuild`, which runs the dependencies'
 * install scripts (native addons and the like), with no network at all. No code of the candidate's choosing ever
 * runs with network.
 */
export async function installDeps(
  git: Git, sandbox: Sandbox, commit: string, parentCommit: string, dir: string, timeoutMs: number, signal?: AbortSignal,
): Promise<{ nodeModules: string | null; exit: ProcessResult | null; refused?: string }> {
  const trusted = trustedOrigins(...(await readFiles(git, parentCommit, LOCKFILES)).map((f) => f.text));
  // Read once, checked, then written as read: npm ci prefers npm-shrinkwrap.json to package-lock.json, so both count.
  const files = await readFiles(git, commit, ['package.json', ...LOCKFILES]);
  for (const { file, text } of files) {
    const refused = file === 'package.json' ? refusePackageJson(text, trusted) : refuseLockfile(text, trusted);
    if (refused) return { nodeModules: null, exit: null, refused: file === 'package.json' ? refused : `${file}: ${refused}` };
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const { file, text } of files) await writeFile(path.join(dir, file), file === 'package.json' ? withoutScripts(text) : text);
  await mkdir(`${dir}.home`, { recursive: true });
  const started = Date.now();
  const step = (args: string[], network: 'host' | 'none') => sandbox.run({
    command: ['npm', ...args, '--no-audit', '--no-fund'],
    workspace: dir,
    env: candidateEnv({}, `${dir}.home`),
    readOnly: [],
    network,
    timeoutMs: Math.max(1_000, timeoutMs - (Date.now() - started)),
    signal,
  });
  try {
    const fetched = await step(['ci', '--ignore-scripts'], 'host');
    if (fetched.exitCode !== 0 || fetched.timedOut) return { nodeModules: null, exit: fetched };
    const built = await step(['rebuild'], 'none');
    const ok = built.exitCode === 0 && !built.timedOut;
    const exit = { ...built, ms: fetched.ms + built.ms };
    return { nodeModules: ok ? path.join(dir, 'node_modules') : null, exit };
  } finally {
    await rm(`${dir}.home`, { recursive: true, force: true });
  }
}

/** Those of `names` that `commit` has, with their text. */
async function readFiles(git: Git, commit: string, names: readonly string[]): Promise<{ file: string; text: string }[]> {
  const found: { file: string; text: string }[] = [];
  for (const file of names) {
    const text = await git.readFile(commit, file);
    if (text !== null) found.push({ file, text });
  }
  return found;
}

/**
 * The candidate's package.json without its `scripts`: npm ci runs the root package's lifecycle scripts (preinstall,
 * install, postinstall, prepare), and this jail has the host's network — the candidate's own code must not run in it.
 * Building is the evaluation's job, with the frozen commands and no network. (The fetch already runs with
 * --ignore-scripts; this keeps the candidate's scripts out of the offline rebuild too.)
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
