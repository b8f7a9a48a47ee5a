import { describe, expect, it } from 'vitest';
import { diagnoseSandbox, probeSandbox, TRIAL_ARGS, type ProbeHost } from '../../src/tools/sandbox/probe.ts';

function host(overrides: Partial<ProbeHost> = {}): ProbeHost {
  return {
    platform: 'linux',
    findBwrap: () => '/usr/bin/bwrap',
    run: (_bwrap, args) => (args[0] === '--version' ? { status: 0, stdout: 'bubblewrap 0.8.0\n', stderr: '' } : { status: 0, stdout: '', stderr: '' }),
    readSysctl: () => null,
    limits: () => 'cgroup',
    ...overrides,
  };
}
const failing = (stderr: string): ProbeHost['run'] => (_b, args) =>
  args[0] === '--version' ? { status: 0, stdout: 'bubblewrap 0.8.0', stderr: '' } : { status: 1, stdout: '', stderr };

describe('diagnoseSandbox', () => {
  it('is ok when the trial jail runs, and says how limits are enforced', () => {
    expect(diagnoseSandbox(host())).toEqual({ ok: true, bwrap: '/usr/bin/bwrap', version: 'bubblewrap 0.8.0', limits: 'cgroup' });
  });

  it('tries the same isolation the jail uses', () => {
    const seen: string[][] = [];
    diagnoseSandbox(host({ run: (_b, args) => (seen.push(args), { status: 0, stdout: '', stderr: '' }) }));
    expect(seen[1]).toEqual(TRIAL_ARGS);
    for (const flag of ['--unshare-all', '--disable-userns', '--cap-drop']) expect(TRIAL_ARGS).toContain(flag);
  });

  it('says to install bubblewrap when it is missing', () => {
    const r = diagnoseSandbox(host({ findBwrap: () => null }));
    expect(r).toMatchObject({ ok: false, reason: 'bubblewrap (bwrap) is not installed' });
    expect(!r.ok && r.fix).toContain('apt-get install bubblewrap');
  });

  it("names Ubuntu's AppArmor restriction when that is what blocks namespaces", () => {
    const r = diagnoseSandbox(host({
      run: failing('bwrap: setting up uid map: Permission denied'),
      readSysctl: (name) => (name === 'kernel.apparmor_restrict_unprivileged_userns' ? '1' : null),
    }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('setting up uid map: Permission denied');
    expect(!r.ok && r.fix).toContain('kernel.apparmor_restrict_unprivileged_userns');
  });

  it('names the Debian and max_user_namespaces switches', () => {
    const debian = diagnoseSandbox(host({ run: failing('No permissions to create new namespace'), readSysctl: (n) => (n === 'kernel.unprivileged_userns_clone' ? '0' : null) }));
    expect(!debian.ok && debian.fix).toContain('kernel.unprivileged_userns_clone=1');
    const max = diagnoseSandbox(host({ run: failing('No space left on device'), readSysctl: (n) => (n === 'user.max_user_namespaces' ? '0' : null) }));
    expect(!max.ok && max.fix).toContain('user.max_user_namespaces');
  });

  it('asks for a newer bwrap when an option is unknown', () => {
    const r = diagnoseSandbox(host({ run: failing('bwrap: Unknown option --disable-userns') }));
    expect(r).toMatchObject({ ok: false, fix: 'install bubblewrap 0.8 or later' });
  });

  it('refuses other systems', () => {
    expect(diagnoseSandbox(host({ platform: 'darwin' }))).toMatchObject({ ok: false, reason: 'the jail needs Linux (this is darwin)' });
  });
});

describe('probeSandbox', () => {
  it('answers once and caches the answer', () => {
    expect(probeSandbox()).toBe(probeSandbox());
  });
});
