/**
 * spawnJailed: runs a JailSpec under bwrap, inside a per-jail cgroup joined before anything can fork, through
 * src/process (capped stdout and stderr kept apart, a timeout, an AbortSignal, the process group killed) with the
 * cgroup's kill added, and a kill() that leaves nothing behind. Never rejects: failures to start are in the result.
 *
 * Nothing outlives the jail, by three independent means: the PID namespace (when its first process dies the kernel
 * kills the rest), --die-with-parent (the jail dies with bwrap), and the cgroup kill (every process in the group,
 * whatever its session or process group).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DEFAULT_OUTPUT_CAP } from '../../process/collector.ts';
import { startProcess, type ProcessResult } from '../../process/run.ts';
import { buildJail } from './build.ts';
import { createCgroup, SYSTEMD_ENV, systemdScopeArgs, type Cgroup } from './cgroup.ts';
import { findBwrap, probeLimits, type LimitsMode } from './probe.ts';
import { watchDisk, type DiskGrowth } from './disk.ts';
import { seccompProgram } from './seccomp.ts';
import { clearSetIdBits } from './setid.ts';
import type { JailSpec } from './spec.ts';

export interface SpawnJailedOptions {
  /** Names the cgroup (a candidate id); random by default. */
  id?: string;
  /** Pipes passed after stdin (ignored), stdout and stderr: the runner passes 1, fd 3, for agent progress. */
  extraPipes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Captured stdout and stderr keep the first and last half of this many bytes each. */
  maxOutputBytes?: number;
  /** How often the disk watch looks (limits.diskGrowthBytes, diskGrowthFiles); see disk.ts. */
  diskCheckMs?: number;
}

/** A process's result (`error` set when the jail could not be started at all), and what the disk watch saw. */
export interface JailedResult extends ProcessResult {
  /** Set when the disk watch killed the jail (limits.diskGrowthBytes, diskGrowthFiles, minFreeBytes); `reason` says which. */
  diskExceeded?: DiskGrowth & { limitBytes?: number; limitFiles?: number };
}

export interface JailedProcess {
  /** The pid of the outermost process (the cgroup-joining bash that became bwrap). */
  pid: number | undefined;
  /** How the limits are enforced; 'none' must be logged loudly by the caller. */
  limits: LimitsMode;
  /** The jail's cgroup directories (removed when it ends), empty without cgroups. */
  cgroups: string[];
  /** The child's stdio streams, for extra fds such as the progress pipe (stdio[3]). */
  stdio: ChildProcess['stdio'];
  done: Promise<JailedResult>;
  /** Kills everything in the jail; resolves when it is gone. */
  kill(): Promise<void>;
}

/**
 * Runs outside the jail, as the runner's code: joins the jail's cgroups (so that nothing it starts can fork outside
 * them), closes every descriptor the runner did not mean to pass (a non-CLOEXEC fd inherited by the runner would
 * otherwise reach the jail), then becomes bwrap. Arguments: <file-size limit in KiB | unlimited> <fds to keep> <n>
 * <n cgroup.procs files> <command...>. The last fd kept is the seccomp filter's pipe, when there is one: bwrap reads
 * (and closes) it before the jail starts.
 */
const WRAPPER =
  // The file-size limit (bash counts in KiB; 'unlimited' when the spec sets none) for soft and hard alike. It can
  // fail only by asking more than an existing hard limit, which then holds instead.
  'ulimit -f "$1" 2>/dev/null; shift; ' +
  'keep=$1; n=$2; shift 2; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; ' +
  // No redirection on this loop: bash would save stderr in a high fd for it, which the loop would then close.
  'for fd in /proc/$$/fd/*; do fd=${fd##*/}; if [ "$fd" -ge "$keep" ] && [ -e "/proc/$$/fd/$fd" ]; then eval "exec $fd>&-"; fi; done; ' +
  'exec "$@"';

export function spawnJailed(spec: JailSpec, options: SpawnJailedOptions = {}): JailedProcess {
  const jail = buildJail(spec);
  const bwrap = findBwrap() ?? 'bwrap';
  const id = `${(options.id ?? 'jail').replace(/[^\w-]/g, '_')}-${randomBytes(4).toString('hex')}`;

  let cgroup: Cgroup | null = null;
  let limits: LimitsMode = 'none';
  const keepFds = 3 + (options.extraPipes ?? 0);
  const filter = seccompProgram();
  // The filter travels on one more pipe, right after the fds the caller asked for (see WRAPPER).
  let command: string[] = [bwrap, ...(filter ? ['--seccomp', String(keepFds)] : []), ...jail.args];
  const env = { ...jail.env };
  if ((cgroup = createCgroup(id, spec.limits))) limits = 'cgroup';
  else {
    const mode = probeLimits();
    if (mode === 'systemd' || mode === 'systemd-system') {
      limits = mode;
      command = [...systemdScopeArgs(spec.limits, mode === 'systemd' ? 'user' : 'system'), ...command];
      for (const name of SYSTEMD_ENV) if (process.env[name]) env[name] = process.env[name];
    }
  }
  const writableRoots = [spec.workspace, ...spec.writable, ...spec.binds.filter((b) => !b.readOnly).map((b) => b.src)];
  const procsFiles = cgroup?.procsFiles ?? [];
  const fileLimit = spec.limits.fileBytes === undefined ? 'unlimited' : String(Math.max(1, Math.floor(spec.limits.fileBytes / 1024)));
  const args = ['-c', WRAPPER, 'evolve-jail', fileLimit, String(keepFds + (filter ? 1 : 0)), String(procsFiles.length), ...procsFiles, ...command];

  let diskExceeded: JailedResult['diskExceeded'];
  // The process group is killed by src/process; the cgroup catches whatever left the group (setsid, double forks).
  const destroyCgroup = cgroup ? once(() => cgroup!.destroy()) : undefined;
  const child = startProcess('bash', args, {
    env,
    cwd: '/', // the runner's own working directory is none of the jail's business (sh would export it as PWD)
    extraPipes: keepFds - 3 + (filter ? 1 : 0),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    maxOutputBytes: options.maxOutputBytes ?? DEFAULT_OUTPUT_CAP,
    alsoKill: destroyCgroup,
  });
  if (filter) {
    const pipe = child.stdio[keepFds] as NodeJS.WritableStream | null;
    pipe?.end(filter); // bwrap may fail before reading it: its exit says so
  }
  const { diskGrowthBytes: limitBytes, diskGrowthFiles: limitFiles, minFreeBytes } = spec.limits;
  const watched = limitBytes !== undefined || limitFiles !== undefined || minFreeBytes !== undefined;
  const disk = !watched ? null : watchDisk(writableRoots, { bytes: limitBytes, files: limitFiles, minFreeBytes }, (grown) => {
    diskExceeded = { ...grown, limitBytes, limitFiles };
    void child.kill();
  }, options.diskCheckMs);

  const done = child.done.then(async (result): Promise<JailedResult> => {
    disk?.stop();
    await destroyCgroup?.();
    await clearSetIdBits(writableRoots); // only now: nothing is left in the jail to set them again
    const joinFailed = limits === 'cgroup' && result.exitCode === 125 && result.stderr.includes('cgroup.procs');
    return {
      ...result,
      ...(!result.error && joinFailed ? { error: 'could not join the jail cgroup' } : {}),
      ...(diskExceeded ? { diskExceeded } : {}),
    };
  });

  return {
    pid: child.pid,
    limits,
    cgroups: cgroup?.dirs ?? [],
    stdio: child.stdio,
    done,
    kill: async () => {
      await child.kill();
      await done;
    },
  };
}

/** `fn` run once; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fn());
}
