/**
 * The agent's own diligence: run the target's build and test commands and report what failed. The runner checks
 * again on a fresh checkout; this is only so the agent can fix what it broke while it still has turns.
 */
import { outputTail } from '../process/collector.ts';
import { runProcess } from '../process/run.ts';

export interface CheckResult {
  ok: boolean;
  /** One paragraph per command: its status and, when it failed, the tail of its output. */
  report: string;
}

export interface CommandOutcome {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
}

const TAIL_CHARS = 3000;
const MAX_COLLECT = 1_000_000;

/**
 * Runs a shell command in its own process group; on timeout the whole group is killed. Never rejects. Its stderr
 * is sent to its stdout by the shell (`exec 2>&1`), so the model reads a failure's lines in the order they came.
 */
export async function runCommand(command: string, cwd: string, timeoutMs: number): Promise<CommandOutcome> {
  const r = await runProcess('/bin/sh', ['-c', `exec 2>&1\n${command}`], { cwd, timeoutMs, maxOutputBytes: MAX_COLLECT });
  return { ok: r.exitCode === 0 && !r.timedOut, exitCode: r.exitCode, timedOut: r.timedOut, output: r.error ?? r.stdout };
}

export interface CheckOptions {
  commands: { name: string; command: string }[];
  cwd: string;
  timeoutMs: number;
  onResult?: (name: string, outcome: CommandOutcome, ms: number) => void;
}

/** Runs each configured command (empty ones are skipped); stops at the first failure, as a build failure makes tests moot. */
export async function selfCheck(options: CheckOptions): Promise<CheckResult> {
  const parts: string[] = [];
  for (const { name, command } of options.commands) {
    if (command.trim() === '') continue;
    const started = Date.now();
    const outcome = await runCommand(command, options.cwd, options.timeoutMs);
    options.onResult?.(name, outcome, Date.now() - started);
    if (outcome.ok) {
      parts.push(`${name} (\`${command}\`): passed`);
      continue;
    }
    const why = outcome.timedOut ? `timed out after ${Math.round(options.timeoutMs / 1000)}s` : `exit code ${outcome.exitCode}`;
    parts.push(`${name} (\`${command}\`): FAILED (${why}). Last output:\n${outputTail(outcome.output, TAIL_CHARS)}`);
    return { ok: false, report: parts.join('\n\n') };
  }
  return { ok: true, report: parts.length > 0 ? parts.join('\n') : 'no build or test command configured' };
}
