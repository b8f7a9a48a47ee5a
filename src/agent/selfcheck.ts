/**
 * The agent's own diligence: run the target's build and test commands and report what failed. The runner checks
 * again on a fresh checkout; this is only so the agent can fix what it broke while it still has turns. So a build is
 * not repeated when it cannot tell the agent anything new: when the test command runs it anyway, or when nothing in
 * the workspace changed since it last passed (BuildMemo).
 */
import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
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

/** Not part of what a build reads: dependencies, git, what tests write, the agent's own record. */
const UNWATCHED = new Set(['node_modules', '.git', 'coverage', '.nyc_output', '.tap', 'test-results', 'playwright-report', 'agent_context.json']);
/** A workspace with more files than this is not fingerprinted: its build always runs. */
const MAX_FINGERPRINT_FILES = 20_000;

/** Every file's path, size and modification time, hashed; null for a workspace too big to look at every time. */
export async function fingerprint(root: string): Promise<string | null> {
  const hash = createHash('sha256');
  let files = 0;
  const visit = async (rel: string): Promise<boolean> => {
    const names = (await readdir(path.join(root, rel)).catch(() => [] as string[])).sort();
    for (const name of names) {
      if (!rel && UNWATCHED.has(name)) continue;
      const child = rel ? `${rel}/${name}` : name;
      const info = await lstat(path.join(root, child)).catch(() => null);
      if (!info) continue;
      if (++files > MAX_FINGERPRINT_FILES) return false;
      hash.update(`${child}\0${info.size}\0${info.mtimeMs}\0${info.isDirectory() ? 'd' : 'f'}\n`);
      if (info.isDirectory() && !(await visit(child))) return false;
    }
    return true;
  };
  return (await visit('')) ? hash.digest('hex') : null;
}

/** The workspace as it was right after the build last passed: a build of the same workspace is not run again. */
export class BuildMemo {
  private after: string | null = null;

  async unchanged(cwd: string): Promise<boolean> {
    return this.after !== null && (await fingerprint(cwd)) === this.after;
  }

  async record(cwd: string, passed: boolean): Promise<void> {
    this.after = passed ? await fingerprint(cwd) : null;
  }
}

/** True when `command` is one whole step of `other` (`tsc` in `tsc && vitest run`, not `make` in `make test`). */
export function runsWithin(command: string, other: string): boolean {
  const escaped = command.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[;&|(])\\s*${escaped}\\s*($|[;&|)])`).test(other.trim());
}

export interface CheckOptions {
  /** In order; a command with a memo is skipped when the workspace is as it was after it last passed. */
  commands: { name: string; command: string; memo?: BuildMemo }[];
  cwd: string;
  timeoutMs: number;
  onResult?: (name: string, outcome: CommandOutcome, ms: number) => void;
}

/**
 * Runs each configured command (empty ones are skipped); stops at the first failure, as a build failure makes tests
 * moot. A command that a later one contains (a test script that builds first) runs there only.
 */
export async function selfCheck(options: CheckOptions): Promise<CheckResult> {
  const parts: string[] = [];
  for (const [i, { name, command, memo }] of options.commands.entries()) {
    if (command.trim() === '') continue;
    const within = options.commands.slice(i + 1).find((later) => runsWithin(command, later.command));
    if (within) {
      parts.push(`${name} (\`${command}\`): runs within ${within.name}`);
      continue;
    }
    if (memo && (await memo.unchanged(options.cwd))) {
      parts.push(`${name} (\`${command}\`): skipped, nothing changed since it passed`);
      continue;
    }
    const started = Date.now();
    const outcome = await runCommand(command, options.cwd, options.timeoutMs);
    await memo?.record(options.cwd, outcome.ok);
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
