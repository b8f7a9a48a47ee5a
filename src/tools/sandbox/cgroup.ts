/**
 * Process and memory limits that bind root: a cgroup v1 group per jail, nested under this process's own cgroup in
 * the `pids`, `memory` and (for a clean kill) `freezer` hierarchies. `prlimit --nproc` does not bind root and
 * `prlimit --as` breaks Node's fetch, so cgroups are the only limit that holds on CI and servers.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JailLimits } from './spec.ts';

const ROOT = '/sys/fs/cgroup';

/** The directory of this process's own cgroup in a v1 hierarchy, or null when that controller is not mounted. */
function ownGroup(controller: string): string | null {
  let lines: string[];
  try {
    lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  } catch {
    return null;
  }
  for (const line of lines) {
    const [, controllers, where] = line.split(':');
    if (controllers === undefined || where === undefined) continue;
    if (!controllers.split(',').includes(controller)) continue;
    const dir = path.join(ROOT, controller, where);
    return existsSync(path.join(dir, 'cgroup.procs')) ? dir : null;
  }
  return null;
}

export interface Cgroup {
  /** The group's directories, one per controller. */
  dirs: string[];
  /** The `cgroup.procs` files a process must join (all of them, before it forks). */
  procsFiles: string[];
  /** SIGKILLs every process in the group until it is empty, then removes the group. */
  destroy(): Promise<void>;
}

/**
 * Creates the per-jail groups and sets the limits. Returns null when this machine does not let us (no v1
 * controllers, or not writable): the caller falls back to a systemd scope or runs without limits, and says so.
 */
export function createCgroup(id: string, limits: JailLimits): Cgroup | null {
  const pidsParent = ownGroup('pids');
  const memoryParent = ownGroup('memory');
  if (!pidsParent || !memoryParent) return null;
  const freezerParent = ownGroup('freezer');
  reapOrphans([pidsParent, memoryParent, freezerParent]);
  // The runner's pid leads the name, so that a later runner can tell the groups of a runner that died.
  const name = `${process.pid}.${id}`;
  const dirs: string[] = [];
  try {
    const pids = path.join(pidsParent, 'evolve', name);
    mkdirSync(pids, { recursive: true });
    dirs.push(pids);
    writeFileSync(path.join(pids, 'pids.max'), String(limits.pids));
    const memory = path.join(memoryParent, 'evolve', name);
    mkdirSync(memory, { recursive: true });
    dirs.push(memory);
    writeFileSync(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // Without this the jail could swap its way past the limit (the file exists only with swap accounting).
    const memsw = path.join(memory, 'memory.memsw.limit_in_bytes');
    if (existsSync(memsw)) writeFileSync(memsw, String(limits.memoryBytes));
    if (freezerParent) {
      const freezer = path.join(freezerParent, 'evolve', name);
      mkdirSync(freezer, { recursive: true });
      dirs.push(freezer);
    }
  } catch {
    for (const dir of dirs.reverse()) tryRmdir(dir);
    return null;
  }
  const freezer = dirs.find((d) => d.includes(`${path.sep}freezer${path.sep}`)) ?? null;
  return {
    dirs: [...dirs],
    procsFiles: dirs.map((d) => path.join(d, 'cgroup.procs')),
    destroy: () => destroy(dirs, dirs[0], freezer),
  };
}

/** Whether a runner still lives: a zombie (dead, not yet reaped by its parent) counts as dead. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A runner that was SIGKILLed could not remove its jails. Their processes are mostly gone with it (PID namespace,
 * --die-with-parent), but a jail caught mid-setup can survive; kill what is left in the groups of dead runners and
 * remove the groups. Groups of live runners (this one included) are never touched.
 */
function reapOrphans(parents: (string | null)[]): void {
  for (const parent of parents) {
    if (!parent) continue;
    const base = path.join(parent, 'evolve');
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = Number(name.split('.')[0]);
      if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
      const dir = path.join(base, name);
      // In the background: the killed must be reaped before the group can go. Two reapers at once do no harm.
      void destroy([dir], dir, null);
    }
  }
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function setFreezer(dir: string, state: 'FROZEN' | 'THAWED'): void {
  try {
    writeFileSync(path.join(dir, 'freezer.state'), state);
  } catch {
    // A freezer that refuses is only a lost optimisation: the kill loop still empties the group.
  }
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 10));

/**
 * Frozen processes cannot fork, so a fork bomb dies in one pass: freeze, SIGKILL everyone, thaw (a frozen process
 * does not act on SIGKILL until thawed), and repeat until the group is empty.
 */
async function destroy(dirs: string[], pidsDir: string, freezer: string | null): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (freezer) setFreezer(freezer, 'FROZEN');
    const pids = readPids(pidsDir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    if (freezer) setFreezer(freezer, 'THAWED');
    if (pids.length === 0 || Date.now() > deadline) break;
    await tick();
  }
  // A group can be removed only once its last process is reaped; give the kernel a moment.
  for (const dir of [...dirs].reverse()) {
    while (!tryRmdir(dir) && Date.now() < deadline) await tick();
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'ENOENT';
  }
}

/** The variables systemd-run needs to reach the user's manager; they are taken off again before bwrap starts. */
export const SYSTEMD_ENV = ['XDG_RUNTIME_DIR', 'DBUS_SESSION_BUS_ADDRESS'] as const;

/**
 * A systemd scope with the limits, where cgroups are not ours to write (cgroup v2): the user's manager on a desktop,
 * the system's for root on a server. The scope's command is `env -u ...` so that bwrap (and the jail's
 * /proc/1/environ) never sees the session variables.
 */
export function systemdScopeArgs(limits: JailLimits, manager: 'user' | 'system' = 'user'): string[] {
  return [
    'systemd-run', `--${manager}`, '--scope', '--quiet', '--collect',
    '-p', `TasksMax=${limits.pids}`, '-p', `MemoryMax=${limits.memoryBytes}`, '--',
    'env', ...SYSTEMD_ENV.flatMap((name) => ['-u', name]),
  ];
}
