/**
 * Anthropic's bash tool (`bash_20250124`): one persistent shell per agent. The working directory and exported
 * variables persist between calls; `{restart: true}` gives a fresh shell.
 *
 * Protocol: bash reads commands from its stdin. Each call writes `eval '<command>' </dev/null 2>&1` followed by a
 * printf of a random sentinel and the exit status, and reads stdout until that sentinel. The command's own stdin is
 * /dev/null, so it cannot read (or eat) the protocol; `eval` keeps a syntax error from ending the shell.
 * On timeout the shell's whole process group is killed (bash runs `detached`, so it leads its own group) and the
 * next call starts a fresh shell and says so. Inside a jail, the cgroup also catches anything that left the group.
 * The shell is run by src/process like every other process (group kill, killed when this process exits).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HeadTailCollector, DEFAULT_OUTPUT_CAP } from '../process/collector.ts';
import { startProcess, type RunningProcess } from '../process/run.ts';
import { scrubEnv } from './sandbox/env.ts';
import { describeInputError, fail, ok, type ToolResult } from './types.ts';

/** The tool definition offered to the model (an Anthropic-defined tool: the model knows its schema). */
export const BASH_TOOL = { type: 'bash_20250124', name: 'bash' } as const;

export const DEFAULT_BASH_TIMEOUT_MS = 120_000;

const BashInput = z
  .object({
    command: z.string().min(1).refine((c) => !c.includes('\0'), 'must not contain NUL bytes').optional(),
    restart: z.boolean().optional(),
  })
  .refine((i) => i.command !== undefined || i.restart === true, 'give `command`, or `restart: true`');

export interface BashSessionOptions {
  cwd: string;
  /** The shell's environment; default: this process's environment minus credentials (see scrubEnv). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Output kept per call: the first and last half of this many bytes. */
  maxOutputBytes?: number;
}

interface Outcome {
  exitCode?: number;
  timedOut?: boolean;
  shellExit?: string;
  spawnError?: string;
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export class BashSession {
  private readonly options: Required<Omit<BashSessionOptions, 'env'>> & { env: Record<string, string> };
  private shell: RunningProcess | null = null;
  /** The running command's handlers, bound to the shell it runs in (a dead shell's late output goes nowhere). */
  private listener: { shell: RunningProcess; output(chunk: Buffer, fromStderr: boolean): void; ended(how: string): void } | null =
    null;
  /** Why the previous shell is gone, told to the model on the next call. */
  private lostNotice: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: BashSessionOptions) {
    const env = options.env ? scrubUndefined(options.env) : scrubEnv(process.env);
    delete env.BASH_ENV;
    delete env.ENV;
    this.options = {
      cwd: options.cwd,
      env,
      timeoutMs: options.timeoutMs ?? DEFAULT_BASH_TIMEOUT_MS,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_OUTPUT_CAP,
    };
  }

  /** Runs one tool call. Calls are serialised: the model's calls share one shell. Never rejects. */
  run(input: unknown): Promise<ToolResult> {
    const parsed = BashInput.safeParse(input);
    if (!parsed.success) return Promise.resolve(fail(describeInputError('bash', parsed.error.issues)));
    const result = this.queue.then(() => this.execute(parsed.data)).catch((err: unknown) =>
      fail(`Error: the bash tool failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    this.queue = result;
    return result;
  }

  /** Kills the shell and everything in its process group. */
  close(): void {
    this.stop(null);
  }

  private async execute(input: { command?: string; restart?: boolean }): Promise<ToolResult> {
    let notice = '';
    if (input.restart) {
      this.stop(null);
      this.lostNotice = null;
      if (input.command === undefined) return ok('The bash session has been restarted.');
      notice = 'The bash session has been restarted.\n';
    }
    if (!this.shell) {
      if (this.lostNotice) notice += `[${this.lostNotice}; this is a fresh bash session: cwd and variables were reset]\n`;
      this.lostNotice = null;
      this.start();
    }
    const outcome = await this.exec(input.command!);
    return this.format(notice, outcome.text, outcome.outcome);
  }

  private start(): void {
    const deliver = (chunk: Buffer, fromStderr: boolean) => {
      if (this.listener?.shell === shell) this.listener.output(chunk, fromStderr);
    };
    // Output goes to the running command's collector, not the process's (maxOutputBytes 0). When the shell dies,
    // its group is killed, and `done` comes once the pipes closed (or a moment after, if an escaped process holds
    // them), so that what the command printed before `exit` is not lost.
    const shell = startProcess('bash', ['--noprofile', '--norc'], {
      cwd: this.options.cwd, env: this.options.env, input: 'pipe', maxOutputBytes: 0, closeGraceMs: 250,
      onStdout: (chunk) => deliver(chunk, false), onStderr: (chunk) => deliver(chunk, true),
    });
    this.shell = shell;
    void shell.done.then((r) => {
      const how = r.error ? `bash could not be started: ${r.error}`
        : r.signal ? `the previous shell was killed by ${r.signal}` : `the previous shell exited with code ${r.exitCode}`;
      if (this.shell === shell) {
        this.shell = null;
        this.lostNotice ??= how;
      }
      if (this.listener?.shell === shell) this.listener.ended(how);
    });
  }

  private stop(reason: string | null): void {
    const shell = this.shell;
    if (!shell) return;
    this.shell = null;
    if (reason) this.lostNotice = reason;
    void shell.kill();
  }

  private exec(command: string): Promise<{ text: string; outcome: Outcome }> {
    const shell = this.shell!;
    const sentinel = `__evolve_done_${randomBytes(12).toString('hex')}__`;
    const marker = Buffer.from(`\n${sentinel} `);
    const collector = new HeadTailCollector(this.options.maxOutputBytes);
    let pending: Buffer = Buffer.alloc(0);

    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.listener = null;
        if (outcome.exitCode === undefined) collector.push(pending);
        resolve({ text: collector.text(), outcome });
      };
      const output = (chunk: Buffer, fromStderr: boolean) => {
        if (fromStderr) return collector.push(chunk);
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        const at = pending.indexOf(marker);
        if (at < 0) {
          // Keep a tail as long as the marker, in case it is split across chunks.
          const keep = Math.min(pending.length, marker.length);
          collector.push(pending.subarray(0, pending.length - keep));
          pending = Buffer.from(pending.subarray(pending.length - keep));
          return;
        }
        collector.push(pending.subarray(0, at));
        pending = Buffer.from(pending.subarray(at));
        const end = pending.indexOf(0x0a, marker.length);
        if (end < 0) return;
        const exitCode = Number.parseInt(pending.subarray(marker.length, end).toString(), 10);
        pending = Buffer.alloc(0);
        finish({ exitCode: Number.isNaN(exitCode) ? 1 : exitCode });
      };
      const ended = (how: string) => finish(how.startsWith('bash could not') ? { spawnError: how } : { shellExit: how });
      this.listener = { shell, output, ended };
      const timer = setTimeout(() => {
        this.stop(`the previous command timed out after ${this.timeoutSeconds()} s and its shell was killed`);
        finish({ timedOut: true });
      }, this.options.timeoutMs);
      shell.stdio[0]!.write(`eval ${shellQuote(command)} </dev/null 2>&1\nprintf '\\n%s %d\\n' ${sentinel} "$?"\n`);
    });
  }

  private timeoutSeconds(): string {
    return String(Math.round(this.options.timeoutMs / 100) / 10);
  }

  private format(notice: string, output: string, outcome: Outcome): ToolResult {
    const body = notice + output;
    const sep = body && !body.endsWith('\n') ? '\n' : '';
    if (outcome.spawnError) return fail(`${body}${sep}Error: ${outcome.spawnError}`);
    if (outcome.timedOut) {
      return fail(
        `${body}${sep}Error: the command timed out after ${this.timeoutSeconds()} s; its whole process group was ` +
          'killed, the shell too (the next call starts a fresh session).',
      );
    }
    if (outcome.shellExit) {
      return fail(`${body}${sep}Error: the shell ended during the command (${outcome.shellExit.replace('the previous shell ', '')}); the next call starts a fresh session.`);
    }
    if (outcome.exitCode !== 0) return fail(`${body}${sep}Error: exit code ${outcome.exitCode}`);
    return ok(body || '(no output)');
  }
}

function scrubUndefined(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
