/**
 * The judging checkout, made honest: what decides how a candidate is judged comes from the parent, not from the
 * candidate. Before the build and again before the tests, the runner
 *   - writes back, from the parent's commit, every test file the parent has (edits to existing tests change nothing;
 *     the candidate's new test files stay and count),
 *   - makes the test runner's configuration the parent's: each config file the parent has is restored, each the parent
 *     lacks is removed (so a new `vitest.config.mjs` cannot exclude the tests),
 *   - restores the files the frozen test command names, and the seed scripts it reaches (`npm run unit` whose `unit`
 *     is `node run-tests.mjs`: the runner of the tests),
 *   - gives package.json the seed's `scripts` (a nested `npm run unit` or `npm test` runs the seed's script, with its
 *     pre/post scripts) and the parent's `jest` / `mocha` / `ava` / `tap` keys.
 * Pure rules (which path is what) are exported for tests; the effects go through the runner's git.
 */
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Git, TreeEntry } from '../repo/git.ts';

const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', '__snapshots__', '__mocks__']);
const TEST_NAME = /(\.|_)(test|spec)s?\.[^/]+$|^test_[^/]+\.py$/i;
const CONFIG_NAME = /^(?:(?:vitest|vite|jest|ava|playwright)\.config\.[^/]+|vitest\.(?:workspace|projects)\.[^/]+|(?:jest|vitest)\.setup\.[^/]+|\.mocharc(?:\.[^/]+)?|\.taprc(?:\.[^/]+)?|tsconfig\.(?:test|spec|jest|vitest)\.json)$/i;
/** The package.json keys test frameworks read their configuration from. */
export const CONFIG_KEYS = ['jest', 'mocha', 'ava', 'tap'] as const;

const inNodeModules = (file: string) => file.split('/').includes('node_modules');

/** A test file: under a test folder (`test/`, `tests/`, `__tests__/`, `spec/`…) or named like one (`x.test.ts`). */
export function isTestFile(file: string): boolean {
  if (inNodeModules(file)) return false;
  const parts = file.split('/');
  return parts.slice(0, -1).some((p) => TEST_DIRS.has(p)) || TEST_NAME.test(parts[parts.length - 1]);
}

/** A test runner's configuration file (vitest, vite, jest, ava, playwright, mocha, tap, a tests' tsconfig). */
export function isRunnerConfig(file: string): boolean {
  return !inNodeModules(file) && CONFIG_NAME.test(path.posix.basename(file));
}

/** The repository paths a shell command names (`node run-tests.mjs`, `mocha --config .mocharc.yml test/`). */
export function commandPaths(command: string): string[] {
  const words = command.split(/[\s;&|()<>]+/).map((w) => w.replace(/^['"]|['"]$/g, '').replace(/^\.\//, ''));
  return [...new Set(words.map((w) => w.replace(/^--?[\w-]+=/, '')).filter((w) => w && !w.startsWith('-') && !w.startsWith('/') && !w.includes('..')))];
}

/**
 * The command with every package script it reaches (`npm run x`, `npm test`, `pnpm x`, `yarn x`, with their pre/post
 * scripts), resolved against the seed's scripts: the texts whose named files are the test runner's.
 */
export function reachedScripts(command: string, scripts: Record<string, string> | null): string[] {
  const texts = [command];
  if (!scripts) return texts;
  const seen = new Set<string>();
  const call = /\b(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+|-s\s+|--silent\s+)*([\w:.@/-]+)/g;
  for (let i = 0; i < texts.length; i++) {
    for (const m of texts[i].matchAll(call)) {
      const name = m[1] === 't' ? 'test' : m[1];
      for (const s of [`pre${name}`, name, `post${name}`]) {
        if (seen.has(s) || scripts[s] === undefined) continue;
        seen.add(s);
        texts.push(scripts[s]);
      }
    }
  }
  return texts;
}

export interface RestorePlan {
  /** Paths written back from the parent's commit. */
  restore: string[];
  /** Runner config paths the parent has (anything else of that kind in the checkout is removed). */
  configs: Set<string>;
}

/** Which of the parent's files are written back: its tests, its runner config, and the files the test command names. */
export function restorePlan(parentTree: readonly TreeEntry[], testCommands: readonly string[]): RestorePlan {
  const named = new Set(testCommands.flatMap(commandPaths));
  const restore = parentTree.filter((e) => e.mode !== '160000' && (isTestFile(e.path) || isRunnerConfig(e.path) || named.has(e.path))).map((e) => e.path);
  const configs = new Set(parentTree.filter((e) => isRunnerConfig(e.path)).map((e) => e.path));
  return { restore, configs };
}

/**
 * package.json with the seed's scripts and the parent's framework keys; null when nothing changes (or when it is
 * not a JSON object: then npm refuses it, which the tests report).
 */
export function judgedPackageJson(child: string, parent: string | null, seedScripts: Record<string, string> | null): string | null {
  let pkg: unknown;
  try {
    pkg = JSON.parse(child);
  } catch {
    return null;
  }
  if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) return null;
  const out = { ...(pkg as Record<string, unknown>) };
  let from: Record<string, unknown> = {};
  try {
    const parsed = parent === null ? {} : (JSON.parse(parent) as unknown);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) from = parsed as Record<string, unknown>;
  } catch {
    // the parent's package.json was not JSON: its keys are none
  }
  for (const key of CONFIG_KEYS) {
    if (key in from) out[key] = from[key];
    else delete out[key];
  }
  if (seedScripts) out.scripts = seedScripts;
  const text = JSON.stringify(out, null, 2) + '\n';
  return JSON.stringify(out) === JSON.stringify(pkg) ? null : text;
}

export interface Restored { restored: number; removed: string[] }

/** Makes the checkout `dir` judge like its parent (see the top of this file). Safe to call again after the build. */
export async function restoreFromParent(git: Git, dir: string, parent: { commit: string; tree: readonly TreeEntry[] }, testCommand: string, seedScripts: Record<string, string> | null): Promise<Restored> {
  const plan = restorePlan(parent.tree, reachedScripts(testCommand, seedScripts));
  const removed: string[] = [];
  for (const file of await findConfigs(dir)) {
    if (plan.configs.has(file)) continue;
    await rm(path.join(dir, file), { force: true, recursive: true });
    removed.push(file);
  }
  await git.restorePaths(parent.commit, dir, plan.restore, `${dir}.restore-index`);
  const pkgPath = path.join(dir, 'package.json');
  const info = await lstat(pkgPath).catch(() => null);
  if (info?.isFile()) {
    const judged = judgedPackageJson(await readFile(pkgPath, 'utf8'), await git.readFile(parent.commit, 'package.json'), seedScripts);
    if (judged !== null) await writeFile(pkgPath, judged);
  } else if (info) {
    await rm(pkgPath, { force: true, recursive: true }); // a link or a folder where package.json belongs
  }
  return { restored: plan.restore.length, removed };
}

/** Runner config files in the checkout (never following links, skipping .git and node_modules). */
async function findConfigs(dir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const file = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') await visit(file);
      } else if (isRunnerConfig(file)) found.push(file);
    }
  };
  await visit('');
  return found;
}
