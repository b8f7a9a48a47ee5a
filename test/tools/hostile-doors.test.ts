/**
 * Hostile suite, part 4: doors the jail's walls did not cover — the kernel keyrings the jail shared with the
 * runner, the target's git config (tokens that a CI checkout leaves there), the uid jailed code runs as, and the
 * file descriptors one process in the jail may open.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JAIL_UID, JAIL_NOFILE } from '../../src/tools/sandbox/index.ts';
import { gitIn, jailed, makeWorld, sandboxMissing, type World } from './hostile-setup.ts';

let world: World;
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const KEYRING_RUNNER = path.join(ROOT, 'test', 'tools', 'fixtures', 'keyring-runner.ts');
const hasKeyctl = (() => {
  try {
    execFileSync('keyctl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasKeyctl) console.error('HOSTILE KEYRING CASES SKIPPED: keyctl is not installed (apt-get install keyutils)');

describe.skipIf(sandboxMissing)('hostile: doors', () => {
  beforeAll(() => {
    world = makeWorld();
  });
  afterAll(() => world?.cleanup());

  it.skipIf(!hasKeyctl)("cannot find or read a key in the runner's session keyring, nor plant one there", async () => {
    const name = `evolve-hostile-${randomBytes(4).toString('hex')}`;
    const secret = `keyring-secret-${randomBytes(8).toString('hex')}`;
    const out = execFileSync('keyctl', ['session', '-', process.execPath, '--import', TSX, KEYRING_RUNNER, world.workspace, name, secret], { encoding: 'utf8' });
    const r = JSON.parse(out) as { id: string; hostFinds: string | null; stdout: string; stderr: string; planted: string | null };
    expect(r.hostFinds).toBe(r.id); // the control: the key is there, in the session the jail was started from
    expect(r.stdout).toContain('done');
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stderr).toMatch(/Operation not permitted/);
    expect(r.planted).toBeNull();
  });

  it("cannot read the target's .git/config (an extraheader with a token, a password in a remote URL)", async () => {
    const token = `ghs_${randomBytes(12).toString('hex')}`;
    gitIn(world.target, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${token}`);
    gitIn(world.target, 'remote', 'add', 'origin', `https://user:${token}@example.com/repo.git`);
    writeFileSync(path.join(world.target, '.git-credentials'), `https://user:${token}@example.com\n`);
    const r = await jailed(world, `cat ${world.target}/.git/config ${world.target}/.git-credentials; ` +
      `git -C ${world.target} config --list 2>&1; grep -rs "${token.slice(0, 10)}" ${world.target}/.git; echo done`);
    expect(r.stdout).toContain('done');
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('runs as an unprivileged uid inside, while what it writes is owned by the runner on the host', async () => {
    const r = await jailed(world, 'id -u; id -g; touch made-inside; mkdir -p dir-inside; touch /tmp/t && echo tmp-ok; touch ~/h && echo home-ok');
    const [uid, gid] = r.stdout.trim().split('\n');
    expect(Number(uid)).toBe(JAIL_UID);
    expect(Number(gid)).toBe(JAIL_UID);
    expect(r.stdout).toContain('tmp-ok');
    expect(r.stdout).toContain('home-ok');
    for (const made of ['made-inside', 'dir-inside']) {
      const st = statSync(path.join(world.workspace, made));
      expect(st.uid).toBe(process.getuid!());
      expect(st.gid).toBe(process.getgid!());
    }
  });

  it(`holds each process to ${JAIL_NOFILE} open files`, async () => {
    const r = await jailed(world, 'ulimit -n; ulimit -Hn; ulimit -n 1000000 2>&1 || echo raise-refused');
    const [soft, hard] = r.stdout.trim().split('\n');
    expect(Number(soft)).toBe(JAIL_NOFILE);
    expect(Number(hard)).toBe(JAIL_NOFILE);
    expect(r.stdout).toContain('raise-refused');
  });
});
