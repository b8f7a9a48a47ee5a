/**
 * A fast start for an agent written in TypeScript and run through tsx — evolve's built-in agent, and a workspace
 * whose package.json says `node --import tsx <entry>.ts` (evolve's own does). Under tsx every fresh jail compiled the
 * whole module graph again before the agent could say its first phase (about 4 s on two busy cores); instead the
 * runner bundles the agent once per parent commit, and every child of that parent runs `node <bundle>`.
 *
 * The code is still the parent's own: the bundle is made from a child's fresh workspace before its agent starts,
 * which is exactly the parent's commit, and what the child changes in its agent runs in its own children. The
 * bundling runs in a jail (bundle-agent.mjs, the runner's code; the files it reads are the candidate's, so nothing
 * the jail hides can be bundled in), and only that jail may write the run's agent cache, which the agents' jails see
 * read-only. A bundle that cannot be made (say the parent broke its agent's syntax) leaves the command as it was:
 * the agent then fails under tsx exactly as it would have.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { EVOLVE_HOME } from '../../home.ts';
import { candidateEnv, type Sandbox } from './sandbox.ts';
import type { AgentCommand } from './agent.ts';

export const BUNDLER_SCRIPT = path.join(EVOLVE_HOME, 'src', 'evolve', 'jail', 'bundle-agent.mjs');
const BUILT_IN_ENTRY = path.join('src', 'agent', 'main.ts');
/** `node --import tsx <entry>.ts` (also `--import=tsx`), the one command form whose meaning a bundle keeps. */
const TSX_COMMAND = /^\s*node\s+--import[= ]tsx\s+(?:\.\/)?([\w@+-][\w@+./-]*\.[cm]?ts)\s*$/;

export interface BundledStart {
  command: AgentCommand;
  /** How the agent starts: from a bundle made now, one made for a sibling, or as it was (tsx, or not TypeScript). */
  start: 'bundled' | 'cached' | 'as-is';
  /** Time spent making the bundle for this child (0 when it was made for a sibling). */
  bundleMs: number;
}

/** The entry a command runs through tsx, relative to the workspace; null for any other command. */
export function tsxEntry(shellCommand: string): string | null {
  const m = TSX_COMMAND.exec(shellCommand);
  return m && !m[1].split('/').includes('..') ? m[1] : null;
}

export class AgentBundles {
  private readonly made = new Map<string, Promise<string | null>>();

  /** `cacheDir`: the run's own (under its work directory); one folder per parent commit. */
  constructor(private readonly sandbox: Sandbox, private readonly cacheDir: string) {}

  /**
   * The command a child starts its agent with. `workspace` is the child's fresh workspace (the parent's commit),
   * `parentCommit` names the bundle; `nodeModules` are the workspace's dependencies.
   */
  async start(command: AgentCommand, workspace: string, parentCommit: string, nodeModules: string | null, signal?: AbortSignal): Promise<BundledStart> {
    const plan = command.source === 'built-in' ? { key: 'built-in', root: EVOLVE_HOME, entry: BUILT_IN_ENTRY, mode: 'fixed' as const, deps: null }
      : command.source === 'package.json' ? { key: parentCommit, root: workspace, entry: tsxEntry(command.argv[2] ?? ''), mode: 'cwd' as const, deps: nodeModules }
        : null;
    if (!plan?.entry) return { command, start: 'as-is', bundleMs: 0 };
    const started = Date.now();
    let fresh = false;
    let making = this.made.get(plan.key);
    if (!making) {
      fresh = true;
      making = this.make(plan.key, plan.root, plan.entry, plan.mode, plan.deps, signal);
      this.made.set(plan.key, making);
    }
    const file = await making;
    if (!file) return { command, start: 'as-is', bundleMs: fresh ? Date.now() - started : 0 };
    return {
      command: { ...command, argv: [process.execPath, file], nodeProgram: true, readOnly: [...(command.readOnly ?? []), path.dirname(file)] },
      start: fresh ? 'bundled' : 'cached',
      bundleMs: fresh ? Date.now() - started : 0,
    };
  }

  private async make(key: string, root: string, entry: string, mode: 'cwd' | 'fixed', deps: string | null, signal?: AbortSignal): Promise<string | null> {
    const dir = path.join(this.cacheDir, key.replace(/[^\w-]/g, '_'));
    const out = path.join(dir, 'agent.mjs');
    await mkdir(dir, { recursive: true });
    const r = await this.sandbox.run({
      command: [process.execPath, BUNDLER_SCRIPT, root, entry, out, mode],
      workspace: dir,
      env: candidateEnv({}, dir),
      readOnly: [EVOLVE_HOME, root, ...(deps ? [deps] : [])],
      network: 'none',
      timeoutMs: 120_000,
      signal,
    });
    if (r.exitCode === 0) return out;
    await rm(dir, { recursive: true, force: true });
    return null;
  }
}
