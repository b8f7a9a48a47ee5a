/**
 * How the runner starts candidate code: one small interface with two implementations — the bubblewrap jail
 * (jail.ts, the default) and `--unsafe-no-sandbox` (this file's UnsafeSandbox, logged loudly by the caller).
 * Both run the process through src/process: it never rejects, it ends with an exit code, a signal or a timeout,
 * and its stdout and stderr, kept apart and each capped.
 */
import { startProcess, type ProcessResult } from '../../process/run.ts';
import { isSecretName } from '../../tools/sandbox/env.ts';

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
  /** A host folder that is the process's HOME, writable and kept between its runs (an agent's session files). */
  home?: string;
  /** Unix sockets bound into the jail at the same path (the proxy). */
  sockets?: string[];
  network: 'none' | 'host';
  timeoutMs: number;
  /** Called with each line the process writes on fd 3 (contract 4's progress descriptor). */
  onProgress?: (line: string) => void;
  /** Bytes kept of each of stdout and stderr (the first and last half); default 256 KiB. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export const DEFAULT_CANDIDATE_OUTPUT_BYTES = 256 * 1024;

export interface Sandbox {
  readonly kind: 'bwrap' | 'none';
  /** How process and memory limits are enforced in the jail ('none': they are not; the runner says so loudly). */
  readonly limits: 'cgroup' | 'systemd' | 'systemd-system' | 'none';
  run(spec: ProcessSpec): Promise<ProcessResult>;
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
  run(spec: ProcessSpec): Promise<ProcessResult> {
    const [file, ...args] = spec.command;
    const running = startProcess(file, args, {
      cwd: spec.workspace, env: spec.env, extraPipes: 1, timeoutMs: spec.timeoutMs, signal: spec.signal,
      maxOutputBytes: spec.maxOutputBytes ?? DEFAULT_CANDIDATE_OUTPUT_BYTES,
    });
    const progress = running.stdio[3] as NodeJS.ReadableStream | null;
    if (progress) readProgressLines(progress, (line) => spec.onProgress?.(line));
    return running.done;
  }
}

/**
 * The environment of a candidate process, built from scratch: a few harmless variables of the runner's, then
 * `extra`. Names that look like secrets (isSecretName, the jail's own rule) never come from the runner's environment.
 */
export function candidateEnv(extra: Record<string, string>, home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'LANG', 'LC_ALL', 'TERM', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined && !isSecretName(name)) env[name] = value;
  }
  env.HOME = home;
  env.CI = '1';
  return { ...env, ...extra };
}
