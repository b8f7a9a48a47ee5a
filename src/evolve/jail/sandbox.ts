/**
 * How the runner starts candidate code: one small interface with two implementations — the bubblewrap jail
 * (jail.ts, the default) and `--unsafe-no-sandbox` (this file's UnsafeSandbox, logged loudly by the caller).
 * A process never rejects: it ends with an exit code, a signal or a timeout, and its output tail.
 */
import { spawn } from 'node:child_process';

export interface ProcessSpec {
  command: string[];
  /** The writable root, and the working directory. */
  workspace: string;
  /** The complete environment (nothing is inherited). */
  env: Record<string, string>;
  /** Paths visible read-only at the same place inside the jail (dependencies, the evolve install, ...). */
  readOnly: string[];
  /** Extra writable paths (e.g. a dependency folder being installed). */
  writable?: string[];
  /** Unix sockets bound into the jail at the same path (the proxy). */
  sockets?: string[];
  network: 'none' | 'host';
  timeoutMs: number;
  /** Called with each line the process writes on fd 3 (contract 4's progress descriptor). */
  onProgress?: (line: string) => void;
  /** Output bytes kept (the tail); default 256 KiB. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The tail of stdout and stderr, interleaved as they arrived. */
  output: string;
  ms: number;
}

export interface Sandbox {
  readonly kind: 'bwrap' | 'none';
  /** How process and memory limits are enforced in the jail ('none': they are not; the runner says so loudly). */
  readonly limits: 'cgroup' | 'systemd' | 'systemd-system' | 'none';
  run(spec: ProcessSpec): Promise<ProcessExit>;
}

/** Keeps the last `max` bytes of a stream of chunks. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.max) this.size -= this.chunks.shift()!.length;
  }
  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

/**
 * Spawns `file args` in its own process group with fd 3 as a progress pipe, kills the whole group on timeout,
 * abort or exit, and resolves with the outcome. Shared by both sandboxes.
 */
export function runProcess(file: string, args: string[], spec: ProcessSpec, cwd: string, env: Record<string, string>): Promise<ProcessExit> {
  const started = Date.now();
  const tail = new TailBuffer(spec.maxOutputBytes ?? 256 * 1024);
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    // First, before any stream is touched: a spawn that fails (EMFILE) has none, and its 'error' must be handled.
    child.on('error', (err) => { tail.push(Buffer.from(`\n[evolve] could not start ${file}: ${err.message}\n`)); finish(null, null); });
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => { timedOut = true; killGroup(); }, spec.timeoutMs);
    const onAbort = () => killGroup();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (d: Buffer) => tail.push(d));
    child.stderr?.on('data', (d: Buffer) => tail.push(d));
    const progress = child.stdio[3] as NodeJS.ReadableStream | null;
    if (progress) readProgressLines(progress, (line) => spec.onProgress?.(line));
    let settled = false;
    const finish = (code: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      killGroup(); // nothing the candidate started outlives it
      resolve({ code, signal, timedOut, output: tail.toString(), ms: Date.now() - started });
    };
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** The longest progress line kept (a valid one is far shorter: contract 4's fields are capped well below this). */
export const MAX_PROGRESS_LINE_BYTES = 256 * 1024;

/**
 * Splits a candidate's progress stream into lines without trusting it: a line longer than `maxBytes` is dropped as
 * it arrives (never buffered whole: an endless line would otherwise grow the runner's memory until it crashed) and
 * reported as one line that is not JSON, so the validator counts it as garbage.
 */
export function readProgressLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void, maxBytes = MAX_PROGRESS_LINE_BYTES): void {
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = false;
  const emit = () => {
    onLine(oversized ? `[evolve] progress line over ${maxBytes} bytes dropped` : Buffer.concat(parts).toString('utf8').replace(/\r$/, ''));
    parts = [];
    size = 0;
    oversized = false;
  };
  stream.on('data', (chunk: Buffer | string) => {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
      if (!oversized && size + nl <= maxBytes) parts.push(buf.subarray(0, nl));
      else oversized = true;
      emit();
      buf = buf.subarray(nl + 1);
    }
    if (buf.length === 0 || oversized) return;
    if (size + buf.length > maxBytes) {
      oversized = true;
      parts = [];
      size = 0;
    } else {
      parts.push(buf);
      size += buf.length;
    }
  });
  stream.on('end', () => {
    if (size > 0 || oversized) emit();
  });
  stream.on('error', () => {});
}

/** Runs candidate code directly on the host: no jail, no isolation (`--unsafe-no-sandbox`). */
export class UnsafeSandbox implements Sandbox {
  readonly kind = 'none' as const;
  readonly limits = 'none' as const;
  run(spec: ProcessSpec): Promise<ProcessExit> {
    const [file, ...args] = spec.command;
    return runProcess(file, args, spec, spec.workspace, spec.env);
  }
}

const SECRET = /(_KEY|_TOKEN|_SECRET|_PASSWORD)$/i;

/**
 * The environment of a candidate process, built from scratch: a few harmless variables of the runner's, then
 * `extra`. Names that look like secrets never come from the runner's environment.
 */
export function candidateEnv(extra: Record<string, string>, home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'LANG', 'LC_ALL', 'TERM', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined && !SECRET.test(name)) env[name] = value;
  }
  env.HOME = home;
  env.CI = '1';
  return { ...env, ...extra };
}
