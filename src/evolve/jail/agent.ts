/**
 * Runs a candidate's agent — the PARENT's code, as materialised in the workspace — inside the sandbox, behind the
 * proxy relay, with contract 4's inputs, and turns whatever happens into an AgentOutcome. Progress lines are
 * validated one by one; a crash, garbage or silence past the deadline is a failed attempt, never an exception.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EVOLVE_HOME } from '../../home.ts';
import { parseProgressLine, PROGRESS_FD, type ProgressLine } from '../../agent/protocol.ts';
import { candidateEnv, type ProcessExit, type Sandbox } from './sandbox.ts';

export { EVOLVE_HOME };
export const RELAY_SCRIPT = path.join(EVOLVE_HOME, 'src', 'evolve', 'jail', 'relay.mjs');
/** The port the relay listens on inside the jail (each jail has its own loopback). */
export const JAIL_RELAY_PORT = 8765;

export interface AgentCommand { argv: string[]; source: 'package.json' | 'built-in' }

/**
 * The package.json's `"evolve": { "agent": "<cmd>" }`, run like an npm script; else the built-in agent. `text` is the
 * parent commit's package.json as committed (Git.readFile), never the workspace's file: a candidate may have left
 * it a link to /dev/stdin or /dev/zero, which would hang or flood the runner.
 */
export function resolveAgentCommand(text: string | null): AgentCommand {
  if (text !== null) {
    try {
      const cmd = (JSON.parse(text) as { evolve?: { agent?: unknown } }).evolve?.agent;
      if (typeof cmd === 'string' && cmd.trim()) return { argv: ['sh', '-c', cmd], source: 'package.json' };
    } catch {
      // an unreadable package.json means no agent of its own
    }
  }
  const tsx = import.meta.resolve('tsx');
  // tsx would otherwise compile evolve's agent with whatever tsconfig.json the target's workspace holds.
  const tsconfig = `TSX_TSCONFIG_PATH=${path.join(EVOLVE_HOME, 'tsconfig.json')}`;
  return { argv: ['/usr/bin/env', tsconfig, process.execPath, '--import', tsx, path.join(EVOLVE_HOME, 'src', 'agent', 'main.ts')], source: 'built-in' };
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
  /** finished: exited 0 after a valid result line. Anything else is a failed attempt, with `reason`. */
  ok: boolean;
  reason: string | null;
  result: Extract<ProgressLine, { type: 'result' }> | null;
  garbageLines: number;
  exit: ProcessExit;
}

export async function runAgent(sandbox: Sandbox, spec: AgentRunSpec): Promise<AgentOutcome> {
  let result: AgentOutcome['result'] = null;
  let garbage = 0;
  const home = `${spec.workspace}.home`;
  await mkdir(home, { recursive: true });
  const env = candidateEnv({
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
  const argv = [process.execPath, RELAY_SCRIPT, '--socket', spec.proxySocket, '--port', String(spec.relayPort), '--', ...spec.command.argv];
  const exit = await sandbox.run({
    command: argv,
    workspace: spec.workspace,
    env,
    readOnly: [EVOLVE_HOME, ...(spec.nodeModules ? [spec.nodeModules] : [])],
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
  const reason = exit.timedOut ? 'agent: no result before the deadline'
    : garbage > 0 ? `agent: ${garbage} invalid progress line(s)`
    : exit.code !== 0 ? `agent: exited with ${exit.code ?? exit.signal ?? 'no status'}${lastLine(exit.output)}`
    : result === null ? 'agent: exited without a result line'
    : null;
  return { ok: reason === null, reason, result, garbageLines: garbage, exit };
}

function lastLine(output: string): string {
  const line = output.trim().split('\n').pop()?.trim();
  return line ? ` (${line.slice(0, 200)})` : '';
}
