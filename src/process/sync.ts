/**
 * The blocking form of runProcess, for the few callers that cannot wait on a promise: the jail probe at start-up,
 * git in the user's checkout for `adopt`/`clean`/`show --diff`, `claude --version` when `--agent claude-code` is
 * resolved, and the demo writing its sample repository. Same result, same rule (never throws; stdout and stderr
 * apart). Node cannot kill a blocking child's process group, so this is only for short commands that start nothing
 * in the background; output past `maxOutputBytes` (per stream, default 256 MiB) ends the process and sets `truncated`.
 */
import { spawnSync } from 'node:child_process';
import type { ProcessResult } from './run.ts';

export interface SyncProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

export function runProcessSync(file: string, args: readonly string[], options: SyncProcessOptions = {}): ProcessResult {
  const started = Date.now();
  const r = spawnSync(file, args, {
    cwd: options.cwd, env: options.env ?? process.env, input: options.input, encoding: 'utf8',
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: options.maxOutputBytes ?? 256 * 1024 * 1024,
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  const timedOut = code === 'ETIMEDOUT';
  const truncated = code === 'ENOBUFS';
  return {
    exitCode: r.status, signal: r.signal, timedOut, aborted: false,
    stdout: r.stdout ?? '', stderr: r.stderr ?? '', truncated,
    ...(r.error && !timedOut && !truncated ? { error: `could not start ${file}: ${r.error.message}` } : {}),
    ms: Date.now() - started,
  };
}
