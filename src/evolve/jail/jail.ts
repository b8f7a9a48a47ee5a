/**
 * The default sandbox: the tools room's bubblewrap jail (src/tools/sandbox) with cgroup limits. The runner draws
 * it from its own view of the file system: the workspace writable, dependencies and the evolve install read-only,
 * the proxy socket bound in, the user's home and credentials hidden, no network unless installing.
 */
import { UsageError } from '../../errors.ts';
import { DEFAULT_LIMITS, defaultHidden, jailEnv, probeSandbox, spawnJailed, type LimitsMode } from '../../tools/sandbox/index.ts';
import { readProgressLines, TailBuffer, type ProcessExit, type ProcessSpec, type Sandbox } from './sandbox.ts';

export class JailSandbox implements Sandbox {
  readonly kind = 'bwrap' as const;

  constructor(private readonly hidden: string[], readonly limits: LimitsMode) {}

  async run(spec: ProcessSpec): Promise<ProcessExit> {
    const started = Date.now();
    const { HOME: _home, ...extra } = spec.env;
    const jailed = spawnJailed({
      workspace: spec.workspace, cwd: spec.workspace, command: spec.command, env: jailEnv(extra),
      readOnly: spec.readOnly, writable: spec.writable ?? [], hide: this.hidden,
      binds: (spec.sockets ?? []).map((s) => ({ src: s, dest: s, readOnly: false })),
      network: spec.network, limits: DEFAULT_LIMITS,
    }, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'], timeoutMs: spec.timeoutMs, signal: spec.signal,
      maxOutputBytes: spec.maxOutputBytes ?? 256 * 1024,
    });
    const progress = jailed.stdio[3] as NodeJS.ReadableStream | null | undefined;
    if (progress) readProgressLines(progress, (line) => spec.onProgress?.(line));
    const result = await jailed.done;
    const tail = new TailBuffer(spec.maxOutputBytes ?? 256 * 1024);
    tail.push(Buffer.from(result.stdout));
    tail.push(Buffer.from(result.stderr));
    if (result.error) tail.push(Buffer.from(`\n[evolve] the jail could not start: ${result.error}\n`));
    if (result.diskExceeded) tail.push(Buffer.from(`\n[evolve] stopped: the jail ${result.diskExceeded.reason}\n`));
    return { code: result.exitCode, signal: result.signal, timedOut: result.timedOut, output: tail.toString(), ms: Date.now() - started };
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
