/**
 * The hostile suite's world: a target git repository with a workspace under `<target>/.git/evolve/`, read-only
 * dependencies, a fake home full of credentials, the runner's (fake) API key in its environment and in files,
 * and helpers to run commands and tool calls in the real jail. Tests skip only when the sandbox probe fails, and
 * then say why, loudly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHidden, jailEnv, probeSandbox, spawnJailed, type JailSpec, type JailedResult, type SpawnJailedOptions } from '../../src/tools/sandbox/index.ts';
import type { ToolResult } from '../../src/tools/types.ts';

export const FAKE_KEY = 'sk-ant-api03-HOSTILE-TEST-REAL-KEY-must-never-leak';
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const probe = probeSandbox();
export const sandboxMissing = !probe.ok;
if (!probe.ok) {
  const bar = '!'.repeat(100);
  console.error(`${bar}\nHOSTILE SUITE SKIPPED: ${probe.reason}\nfix: ${probe.fix}\n${bar}`);
}

export interface World {
  base: string;
  target: string;
  workspace: string;
  deps: string;
  home: string;
  headBefore: string;
  cleanup(): void;
}

export function makeWorld(): World {
  process.env.ANTHROPIC_API_KEY = FAKE_KEY;
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'evolve-hostile-')));
  const target = path.join(base, 'target');
  mkdirSync(target);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: target, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  writeFileSync(path.join(target, 'README.md'), 'the target\n');
  writeFileSync(path.join(target, '.gitignore'), '.env\nnode_modules/\n');
  git('add', '.');
  git('commit', '-qm', 'seed');
  writeFileSync(path.join(target, '.env'), `ANTHROPIC_API_KEY=${FAKE_KEY}\n`);
  const deps = path.join(target, 'node_modules');
  mkdirSync(path.join(deps, 'dep'), { recursive: true });
  writeFileSync(path.join(deps, 'dep', 'index.js'), 'module.exports = 1;\n');
  const workspace = path.join(target, '.git', 'evolve', 'run1', 'c0ffee01');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), 'the workspace\n');
  const home = path.join(base, 'home');
  for (const [file, text] of [
    ['.ssh/id_ed25519', 'PRIVATE KEY\n'],
    ['.aws/credentials', 'aws_secret_access_key=AKIA-must-never-leak\n'],
    ['.npmrc', '//registry.npmjs.org/:_authToken=npm-must-never-leak\n'],
    ['.anthropic/key', `${FAKE_KEY}\n`],
    ['.bashrc', '# original\n'],
  ]) {
    mkdirSync(path.dirname(path.join(home, file)), { recursive: true });
    writeFileSync(path.join(home, file), text);
  }
  return {
    base, target, workspace, deps, home,
    headBefore: git('rev-parse', 'HEAD'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

export function specFor(world: World, command: string[], overrides: Partial<JailSpec> = {}): JailSpec {
  return {
    workspace: world.workspace,
    cwd: world.workspace,
    command,
    env: jailEnv({ ANTHROPIC_API_KEY: 'candidate-token-1234' }),
    readOnly: [world.target, repo],
    writable: [],
    hide: defaultHidden({ home: world.home, target: world.target }),
    binds: [],
    network: 'none',
    limits: { pids: 64, memoryBytes: 512 * 1024 * 1024 },
    ...overrides,
  };
}

/** Runs a shell command in the jail; `cgroups` are the jail's groups, which must be gone by then. */
export async function jailed(
  world: World,
  script: string,
  options: SpawnJailedOptions & { spec?: Partial<JailSpec> } = {},
): Promise<JailedResult & { cgroups: string[] }> {
  const { spec, ...spawnOptions } = options;
  const jail = spawnJailed(specFor(world, ['bash', '-c', script], spec), { timeoutMs: 30_000, ...spawnOptions });
  return { ...(await jail.done), cgroups: jail.cgroups };
}

/** Runs tool calls through the real BashSession and TextEditor, inside the jail, as the agent would. */
export async function toolsInJail(world: World, calls: { tool: 'bash' | 'editor'; input: unknown }[], bashTimeoutMs = 10_000): Promise<ToolResult[]> {
  const tsx = path.join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const driver = path.join(repo, 'test', 'tools', 'fixtures', 'tool-driver.ts');
  const result = await spawnJailed(specFor(world, ['node', '--import', tsx, driver, JSON.stringify(calls), String(bashTimeoutMs)]), {
    timeoutMs: 60_000,
    maxOutputBytes: 1024 * 1024,
  }).done;
  if (result.exitCode !== 0) throw new Error(`tool driver failed (${result.exitCode}): ${result.stderr}`);
  return JSON.parse(result.stdout) as ToolResult[];
}

export function gitIn(target: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: target, encoding: 'utf8' }).trim();
}

/** Host processes whose command line starts with `needle` (so `sleep 123`, not the bwrap that will run it). */
export function hostProcesses(needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.startsWith(needle)) found.push(Number(name));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}
