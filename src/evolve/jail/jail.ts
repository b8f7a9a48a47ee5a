/**
 * The default sandbox: the tools room's bubblewrap jail (src/tools/sandbox) with cgroup limits. The runner draws
 * it from its own view of the file system: the workspace writable, dependencies and the evolve install read-only,
 * the proxy socket bound in, the user's home and credentials hidden, no network unless installing.
 */
import { UsageError } from '../../errors.ts';
import { DEFAULT_LIMITS, defaultHidden, jailEnv, probeSandbox, spawnJailed, type LimitsMode } from '../../tools/sandbox/index.ts';
import type { ProcessResult } from '../../process/run.ts';
import { DEFAULT_CANDIDATE_OUTPUT_BYTES, readProgressLines, type ProcessSpec, type Sandbox } from './sandbox.ts';

export class JailSandbox implements Sandbox {
  readonly kind = 'bwrap' as const;

  constructor(private readonly hidden: string[], readonly limits: LimitsMode) {}

  async run(spec: ProcessSpec): Promise<ProcessResult> {
    const { HOME: _home, ...extra } = spec.env;
    // HOME is the jail's private /tmp/home unless the caller gives a folder of its own to keep (an agent's home).
    const jailed = spawnJailed({
      workspace: spec.workspace, cwd: spec.workspace, command: spec.command, env: jailEnv(spec.home ? { ...extra, HOME: spec.home } : extra),
      readOnly: spec.readOnly, writable: [...(spec.writable ?? []), ...(spec.home ? [spec.home] : [])], hide: this.hidden,
      binds: (spec.sockets ?? []).map((s) => ({ src: s, dest: s, readOnly: false })),
      network: spec.network, limits: DEFAULT_LIMITS,
    }, {
      extraPipes: 1, timeoutMs: spec.timeoutMs, signal: spec.signal,
      maxOutputBytes: spec.maxOutputBytes ?? DEFAULT_CANDIDATE_OUTPUT_BYTES,
    });
    const progress = jailed.stdio[3] as NodeJS.ReadableStream | null | undefined;
    if (progress) readProgressLines(progress, (line) => spec.onProgress?.(line));
    const { diskExceeded, ...result } = await jailed.done;
    // What the runner has to say about the jail goes after the candidate's own stderr.
    const notes = [
      result.error ? `[evolve] the jail could not start: ${result.error}` : '',
      diskExceeded ? `[evolve] stopped: the jail ${diskExceeded.reason}` : '',
    ].filter(Boolean);
    if (!notes.length) return result;
    const sep = result.stderr && !result.stderr.endsWith('\n') ? '\n' : '';
    return { ...result, stderr: `${result.stderr}${sep}${notes.map((n) => `${n}\n`).join('')}` };
  }
}

/** The loud start-up line for a jail without process and memory limits, or null when they are enforced. */
export function limitsWarning(limits: LimitsMode): string | null {
  if (limits !== 'none') return null;
  return 'WARNING: limits: none — neither cgroups nor a systemd scope can be used here, so candidates run jailed but ' +
    'WITHOUT process and memory limits (a fork bomb or a memory hog is not held); see "Limits and how they are enforced" in docs/jail.md';
}

/** The jail, or a UsageError saying why it cannot work here and how to fix it. */
export async function createJailSandbox(target: string): Promise<Sandbox> {
  const probe = probeSandbox();
  if (!probe.ok) throw new UsageError(`cannot jail candidates: ${probe.reason}; ${probe.fix} (or pass --unsafe-no-sandbox)`);
  return new JailSandbox(defaultHidden({ target }), probe.limits);
}
