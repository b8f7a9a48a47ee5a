/**
 * The one way evolve runs a process (the jail, the agent, the bash tool's shell, a self-check, git, cp, du): it
 * never rejects, it runs the process as the leader of its own process group and kills the whole group — on timeout,
 * on abort, on kill() and as soon as the leader exits, so nothing the process started outlives it — and it keeps
 * stdout and stderr apart, each capped by one head/tail collector.
 *
 * Not here: the relay (src/evolve/jail/relay.mjs), which runs inside the jail on node:* alone and execs its command
 * with inherited stdio, and src/process/sync.ts, for the few callers that must block.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DEFAULT_OUTPUT_CAP, HeadTailCollector } from './collector.ts';

export interface ProcessOptions {
  cwd?: string;
  /** The complete environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; 'pipe' leaves stdin open for the caller; default: no stdin. */
  input?: string | Buffer | 'pipe';
  /** Extra pipes after stdin, stdout and stderr (fd 3, 4, …), on `stdio`. */
  extraPipes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes kept of each of stdout and stderr: the first and last half of this many; 0 keeps nothing. */
  maxOutputBytes?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Run whenever the group is killed (timeout, abort, kill(), the leader's exit), e.g. a cgroup's kill; awaited. */
  alsoKill?: () => Promise<void>;
  /**
   * How long, after the leader exited and its group was killed, to wait for the pipes to close before letting go of
   * them: a process that left the group (setsid) may hold them open forever. Default 500 ms.
   */
  closeGraceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr was cut by the collector (the text then says where and how much). */
  truncated: boolean;
  /** Set when the process could not be started (ENOENT, EACCES, …). */
  error?: string;
  ms: number;
}

export interface RunningProcess {
  pid: number | undefined;
  /** The child's streams: stdin when `input` is 'pipe', the extra pipes at 3, 4, … */
  stdio: ChildProcess['stdio'];
  done: Promise<ProcessResult>;
  /** Kills the process group (and `alsoKill`); resolves with the result once it is gone. */
  kill(): Promise<ProcessResult>;
}

/** Groups still alive when this process exits are killed with it (a model may have left jobs behind). */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function track(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) signalGroup(group);
  });
}

function signalGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

export function startProcess(file: string, args: readonly string[], options: ProcessOptions = {}): RunningProcess {
  const started = Date.now();
  if (options.signal?.aborted) {
    // Aborted before it began: it never runs.
    const done = Promise.resolve<ProcessResult>({
      exitCode: null, signal: null, timedOut: false, aborted: true, stdout: '', stderr: '', truncated: false, ms: 0,
    });
    return { pid: undefined, stdio: [null, null, null, undefined, undefined], done, kill: () => done };
  }
  const input = options.input;
  const stdin = input === undefined ? 'ignore' : 'pipe';
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true, // its own process group, which we kill whole
    stdio: [stdin, 'pipe', 'pipe', ...Array<'pipe'>(options.extraPipes ?? 0).fill('pipe')],
  });
  const cap = options.maxOutputBytes ?? DEFAULT_OUTPUT_CAP;
  const stdout = cap > 0 ? new HeadTailCollector(cap) : null;
  const stderr = cap > 0 ? new HeadTailCollector(cap) : null;
  child.stdout!.on('data', (chunk: Buffer) => { stdout?.push(chunk); options.onStdout?.(chunk); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr?.push(chunk); options.onStderr?.(chunk); });
  if (child.stdin) {
    child.stdin.on('error', () => {}); // the process may exit before reading it all: its exit status says how it went
    if (input !== 'pipe') child.stdin.end(input);
  }
  for (const stream of child.stdio.slice(3)) stream?.on('error', () => {});
  if (child.pid !== undefined) track(child.pid);

  let timedOut = false;
  let aborted = false;
  let exited = false;
  let extraKill: Promise<void> | null = null;
  const killAll = (): Promise<void> => {
    // Once the leader has exited and been reaped its pid may be reused: the group was killed then, and not again.
    if (child.pid !== undefined && !exited) signalGroup(child.pid);
    if (options.alsoKill) extraKill ??= options.alsoKill().catch(() => {});
    return extraKill ?? Promise.resolve();
  };
  const timer = options.timeoutMs === undefined ? null : setTimeout(() => { timedOut = true; void killAll(); }, options.timeoutMs);
  const onAbort = () => { aborted = true; void killAll(); };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const done = new Promise<ProcessResult>((resolve) => {
    let startError: string | undefined;
    let finished = false;
    let grace: NodeJS.Timeout | null = null;
    const finish = async (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      if (grace) clearTimeout(grace);
      options.signal?.removeEventListener('abort', onAbort);
      await killAll();
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      resolve({
        exitCode, signal, timedOut, aborted,
        stdout: stdout?.text() ?? '', stderr: stderr?.text() ?? '',
        truncated: !!(stdout?.truncated || stderr?.truncated),
        ...(startError ? { error: startError } : {}),
        ms: Date.now() - started,
      });
    };
    child.on('error', (err) => {
      startError = `could not start ${file}: ${err.message}`;
      if (child.pid === undefined) void finish(null, null);
    });
    child.on('exit', (code, signal) => {
      void killAll();
      exited = true;
      grace = setTimeout(() => {
        for (const stream of child.stdio) stream?.destroy();
        void finish(code, signal);
      }, options.closeGraceMs ?? 500);
    });
    child.on('close', (code, signal) => void finish(code, signal));
  });

  return {
    pid: child.pid,
    stdio: child.stdio,
    done,
    kill: async () => {
      await killAll();
      return done;
    },
  };
}

/** Runs a process to its end; see startProcess. Never rejects. */
export function runProcess(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return startProcess(file, args, options).done;
}

/** The captured output in one piece for a report: stdout, then stderr (the two are kept apart, not interleaved). */
export function combinedOutput(result: Pick<ProcessResult, 'stdout' | 'stderr'>): string {
  if (!result.stdout || !result.stderr) return result.stdout + result.stderr;
  return result.stdout.endsWith('\n') ? result.stdout + result.stderr : `${result.stdout}\n${result.stderr}`;
}
