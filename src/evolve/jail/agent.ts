/**
 * Runs a candidate's agent — the PARENT's code, as materialised in the workspace — inside the sandbox, behind the
 * proxy relay, with contract 4's inputs, and turns whatever happens into an AgentOutcome. Progress lines are
 * validated one by one; a crash, garbage or silence past the deadline is a failed attempt, never an exception.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EVOLVE_HOME } from '../../home.ts';
import { parseProgressLine, PROGRESS_FD, type ProgressLine } from '../../agent/protocol.ts';
import type { AgentContext } from '../../agent/protocol.ts';
import { combinedOutput, type ProcessResult } from '../../process/run.ts';
import { claudeArgv, claudeEnv, claudeSummary, findClaudeCode, type ClaudeInstall } from './claude-code.ts';
import { agentPrompt } from './prompt.ts';
import { candidateEnv, type Sandbox } from './sandbox.ts';

export { EVOLVE_HOME };
export const RELAY_SCRIPT = path.join(EVOLVE_HOME, 'src', 'evolve', 'jail', 'relay.mjs');
/** The relay inside a Node agent's own process (relay-preload.mjs), for a bundled agent. */
export const RELAY_PRELOAD = path.join(EVOLVE_HOME, 'src', 'evolve', 'jail', 'relay-preload.mjs');
/** The port the relay listens on inside the jail (each jail has its own loopback). */
export const JAIL_RELAY_PORT = 8765;

export interface AgentCommand {
  argv: string[];
  /** Where the command came from: the workspace's package.json, evolve's own agent, --agent <cmd>, or the claude-code preset. */
  source: 'package.json' | 'built-in' | 'flag' | 'claude-code';
  /** Variables the agent needs besides contract 4's (the claude-code preset's settings). */
  env?: Record<string, string>;
  /** More paths made visible read-only in the jail (the agent's installation). */
  readOnly?: string[];
  /** The agent's version, when known (claude --version). */
  version?: string;
  /** `argv` is one Node program (a bundled agent): the relay is loaded into it instead of started before it. */
  nodeProgram?: boolean;
}

/** Which agent the run uses (`--agent`, config `agent`), resolved once when it starts. */
export type AgentChoice =
  /** The workspace's package.json `evolve.agent`, else the built-in agent (no --agent). */
  | { kind: 'auto' }
  | { kind: 'builtin' }
  | { kind: 'claude-code'; install: ClaudeInstall }
  | { kind: 'command'; command: string };

/** `--agent builtin|claude-code|<command>` as the run starts; a UsageError when claude-code cannot be found or run. */
export function resolveAgentChoice(agent: string | null | undefined, target: string): AgentChoice {
  if (agent === null || agent === undefined) return { kind: 'auto' };
  if (agent === 'builtin') return { kind: 'builtin' };
  if (agent === 'claude-code') return { kind: 'claude-code', install: findClaudeCode(target) };
  return { kind: 'command', command: agent };
}

/** What a preset builds its prompt and settings from. */
export interface PresetInputs { model: string; maxTurns: number; seedGoal: string; buildCmd: string; testCmd: string; context: AgentContext }

/**
 * The command for one candidate. Without --agent: the workspace's `"evolve": { "agent": "<cmd>" }`, run like an npm
 * script, else the built-in agent.
 */
export async function resolveAgentCommand(workspace: string, choice: AgentChoice = { kind: 'auto' }, preset?: PresetInputs): Promise<AgentCommand> {
  if (choice.kind === 'command') return { argv: ['sh', '-c', choice.command], source: 'flag' };
  if (choice.kind === 'claude-code') {
    if (!preset) throw new Error('resolveAgentCommand: the claude-code preset needs its inputs');
    const prompt = agentPrompt(preset);
    return {
      argv: claudeArgv(choice.install, { model: preset.model, maxTurns: preset.maxTurns, prompt }), source: 'claude-code',
      env: claudeEnv(preset.model), readOnly: choice.install.mounts, version: choice.install.version,
    };
  }
  if (choice.kind === 'auto') {
    const own = await packageAgent(workspace);
    if (own) return { argv: ['sh', '-c', own], source: 'package.json' };
  }
  const tsx = import.meta.resolve('tsx');
  // tsx would otherwise compile evolve's agent with whatever tsconfig.json the target's workspace holds.
  const tsconfig = `TSX_TSCONFIG_PATH=${path.join(EVOLVE_HOME, 'tsconfig.json')}`;
  return { argv: ['/usr/bin/env', tsconfig, process.execPath, '--import', tsx, path.join(EVOLVE_HOME, 'src', 'agent', 'main.ts')], source: 'built-in' };
}

async function packageAgent(workspace: string): Promise<string | null> {
  const text = await readFile(path.join(workspace, 'package.json'), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const cmd = (JSON.parse(text) as { evolve?: { agent?: unknown } }).evolve?.agent;
    return typeof cmd === 'string' && cmd.trim() ? cmd : null;
  } catch {
    return null; // an unreadable package.json means no agent of its own
  }
}

export interface AgentRunSpec {
  workspace: string;
  /** The workspace's hardlinked node_modules (read-only in the jail), if any. */
  nodeModules: string | null;
  command: AgentCommand;
  proxySocket: string;
  relayPort: number;
  token: string;
  env: { model: string; seedGoal: string; buildCmd: string; testCmd: string; maxTurns: number };
  deadline: Date;
  onProgress: (line: ProgressLine) => void;
  signal?: AbortSignal;
}

export interface AgentOutcome {
  /**
   * Finished: exited 0 with valid progress lines, if any. A result line is a claim, not a requirement: without one
   * (an agent CLI knows nothing of fd 3) the agent finished with no claim and its work is judged all the same.
   * Anything else is a failed attempt, with `reason`.
   */
  ok: boolean;
  reason: string | null;
  result: Extract<ProgressLine, { type: 'result' }> | null;
  /** What an agent without a result line said at the end (Claude Code's final message): a description, no claim. */
  described: { goal: string | null; summary: string } | null;
  garbageLines: number;
  exit: ProcessResult;
}

export async function runAgent(sandbox: Sandbox, spec: AgentRunSpec): Promise<AgentOutcome> {
  let result: AgentOutcome['result'] = null;
  let garbage = 0;
  const home = `${spec.workspace}.home`;
  await mkdir(home, { recursive: true });
  const env = candidateEnv({
    ...spec.command.env,
    PATH: [path.join(spec.workspace, 'node_modules', '.bin'), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${spec.relayPort}`,
    ANTHROPIC_API_KEY: spec.token,
    EVOLVE_MODEL: spec.env.model,
    EVOLVE_SEED_GOAL: spec.env.seedGoal,
    EVOLVE_BUILD_CMD: spec.env.buildCmd,
    EVOLVE_TEST_CMD: spec.env.testCmd,
    EVOLVE_MAX_TURNS: String(spec.env.maxTurns),
    EVOLVE_DEADLINE: spec.deadline.toISOString(),
    EVOLVE_PROGRESS_FD: String(PROGRESS_FD),
  }, home);
  const [program, ...args] = spec.command.argv;
  const argv = spec.command.nodeProgram
    ? [program, '--import', pathToFileURL(RELAY_PRELOAD).href, ...args]
    : [process.execPath, RELAY_SCRIPT, '--socket', spec.proxySocket, '--port', String(spec.relayPort), '--', ...spec.command.argv];
  if (spec.command.nodeProgram) Object.assign(env, { EVOLVE_RELAY_SOCKET: spec.proxySocket, EVOLVE_RELAY_PORT: String(spec.relayPort) });
  const exit = await sandbox.run({
    command: argv,
    workspace: spec.workspace,
    env,
    readOnly: [EVOLVE_HOME, ...(spec.nodeModules ? [spec.nodeModules] : []), ...(spec.command.readOnly ?? [])],
    home,
    sockets: [spec.proxySocket],
    network: 'none',
    timeoutMs: Math.max(1000, spec.deadline.getTime() - Date.now()),
    signal: spec.signal,
    onProgress: (line) => {
      if (!line.trim()) return;
      const parsed = parseProgressLine(line);
      if (!parsed) {
        garbage++;
        return;
      }
      if (parsed.type === 'result') result = parsed;
      spec.onProgress(parsed);
    },
  });
  const said = spec.command.source === 'claude-code' ? claudeSummary(exit.stdout) : null;
  // Claude Code exits 1 when it reaches --max-turns; its work is judged, as the built-in agent's at its turn limit.
  const finished = exit.exitCode === 0 || (exit.exitCode === 1 && said?.turnLimit === true);
  const reason = exit.timedOut ? 'agent: no result before the deadline'
    : garbage > 0 ? `agent: ${garbage} invalid progress line(s)`
    : !finished ? `agent: exited with ${exit.exitCode ?? exit.signal ?? 'no status'}${lastWords(said?.summary ?? combinedOutput(exit))}`
    : null;
  const described = result === null && said ? { goal: said.goal, summary: said.summary } : null;
  return { ok: reason === null, reason, result, described, garbageLines: garbage, exit };
}

/**
 * The last line the agent printed (its final message, for Claude Code), as the reason of a failed exit says it:
 * the last words before Node's closing `Node.js v20…` line and the stack frames of an uncaught error.
 */
function lastWords(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const line = lines.filter((l) => l && !/^Node\.js v\d/.test(l) && !/^at \S/.test(l)).pop();
  return line ? ` (${line.slice(0, 200)})` : '';
}
