/**
 * Can candidates be jailed here? Checked once at start-up: the runner refuses to run candidates when the answer is
 * no (unless --unsafe-no-sandbox), and prints `reason` and `fix`.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { runProcessSync } from '../../process/sync.ts';
import { createCgroup } from './cgroup.ts';

/** Our own cgroup v1 groups; a systemd scope of the user's manager, or of the system's (root without a user manager). */
export type LimitsMode = 'cgroup' | 'systemd' | 'systemd-system' | 'none';

export type SandboxProbe =
  | { ok: true; bwrap: string; version: string; limits: LimitsMode }
  | { ok: false; reason: string; fix: string };

/** bwrap's absolute path, looked up once in the runner's PATH and the usual places. */
export function findBwrap(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, 'bwrap');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

let cachedLimits: LimitsMode | undefined;

/** How limits will be enforced here: our own cgroups, a systemd scope, or not at all (log it loudly). */
export function probeLimits(): LimitsMode {
  if (cachedLimits) return cachedLimits;
  const group = createCgroup(`probe-${process.pid}`, { pids: 64, memoryBytes: 64 * 1024 * 1024 });
  if (group) {
    void group.destroy();
    cachedLimits = 'cgroup';
  } else {
    const trial = (manager: '--user' | '--system') =>
      runProcessSync('systemd-run', [manager, '--scope', '--quiet', '-p', 'TasksMax=64', '--', 'true'], { timeoutMs: 5_000 }).exitCode === 0;
    // cgroup v2 hosts: a desktop session has a user manager; root on a server usually only the system's.
    if (trial('--user')) cachedLimits = 'systemd';
    else if (process.getuid?.() === 0 && trial('--system')) cachedLimits = 'systemd-system';
    else cachedLimits = 'none';
  }
  return cachedLimits;
}

let cachedProbe: SandboxProbe | undefined;

/** Whether the jail works here, asked once per process (the answer does not change while evolve runs). */
export function probeSandbox(): SandboxProbe {
  cachedProbe ??= diagnoseSandbox();
  return cachedProbe;
}

/** What the diagnosis needs from the machine; replaced in tests to walk every failure. */
export interface ProbeHost {
  platform: NodeJS.Platform;
  findBwrap(): string | null;
  /** Runs bwrap with these arguments: its exit status and stderr. */
  run(bwrap: string, args: string[]): { status: number | null; stdout: string; stderr: string };
  readSysctl(name: string): string | null;
  limits(): LimitsMode;
}

const realHost: ProbeHost = {
  platform: process.platform,
  findBwrap,
  run: (bwrap, args) => {
    const r = runProcessSync(bwrap, args, { timeoutMs: 10_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    return { status: r.exitCode, stdout: r.stdout, stderr: r.stderr.trim() || r.error || '' };
  },
  readSysctl,
  limits: probeLimits,
};

/** The same isolation the jail asks for, tried on `true`. */
export const TRIAL_ARGS = ['--unshare-all', '--unshare-user', '--disable-userns', '--cap-drop', 'ALL', '--die-with-parent',
  '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true'];

export function diagnoseSandbox(host: ProbeHost = realHost): SandboxProbe {
  if (host.platform !== 'linux') {
    return { ok: false, reason: `the jail needs Linux (this is ${host.platform})`, fix: 'run evolve on Linux, or pass --unsafe-no-sandbox' };
  }
  const bwrap = host.findBwrap();
  if (!bwrap) {
    return {
      ok: false,
      reason: 'bubblewrap (bwrap) is not installed',
      fix: 'install it: `sudo apt-get install bubblewrap` (Debian/Ubuntu), `sudo dnf install bubblewrap` (Fedora)',
    };
  }
  const version = host.run(bwrap, ['--version']).stdout.trim();
  const trial = host.run(bwrap, TRIAL_ARGS);
  if (trial.status !== 0) {
    const stderr = trial.stderr || `exit status ${trial.status}`;
    if (/unknown option/i.test(stderr)) {
      return { ok: false, reason: `${version || 'this bwrap'} is too old: ${stderr}`, fix: 'install bubblewrap 0.8 or later' };
    }
    return { ok: false, reason: `bwrap cannot create namespaces here: ${stderr}`, fix: namespaceFix(host.readSysctl) };
  }
  return { ok: true, bwrap, version, limits: host.limits() };
}

function readSysctl(name: string): string | null {
  try {
    return readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim();
  } catch {
    return null;
  }
}

function namespaceFix(readSysctl: ProbeHost['readSysctl']): string {
  if (readSysctl('kernel.apparmor_restrict_unprivileged_userns') === '1') {
    return (
      'Ubuntu (23.10+) restricts unprivileged user namespaces through AppArmor. Allow bwrap with an AppArmor profile ' +
      '(see /etc/apparmor.d/ and `apparmor_parser`), or for this boot: `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`'
    );
  }
  if (readSysctl('kernel.unprivileged_userns_clone') === '0') {
    return 'enable unprivileged user namespaces: `sudo sysctl -w kernel.unprivileged_userns_clone=1`';
  }
  if (readSysctl('user.max_user_namespaces') === '0') {
    return 'allow user namespaces: `sudo sysctl -w user.max_user_namespaces=15000`';
  }
  return 'inside a container, run it with user namespaces allowed (e.g. docker --security-opt seccomp=unconfined), or install bubblewrap setuid';
}
