/** Hostile suite, part 1: the file system, git and the editor. Every case asserts on the host that nothing escaped. */
import { existsSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JAIL_UID } from '../../src/tools/sandbox/index.ts';
import { gitIn, jailed, makeWorld, sandboxMissing, toolsInJail, type World } from './hostile-setup.ts';

let world: World;
const marker = `evolve-hostile-${process.pid}`;

describe.skipIf(sandboxMissing)('hostile: file system', () => {
  beforeAll(() => {
    world = makeWorld();
  });
  afterAll(() => world?.cleanup());

  it('the workspace is writable (the jail is not simply broken)', async () => {
    const r = await jailed(world, 'echo made > made.txt && cat made.txt');
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path.join(world.workspace, 'made.txt'), 'utf8')).toBe('made\n');
  });

  it('writes to /tmp land in a private /tmp that vanishes', async () => {
    const hostOnly = `/tmp/${marker}-host-only`;
    writeFileSync(hostOnly, 'host');
    try {
      const r = await jailed(world, `echo x > /tmp/${marker} && ls /tmp`);
      expect(r.exitCode).toBe(0);
      // The jail's /tmp holds its own files (and mount points for binds), never the host's files.
      const listing = r.stdout.split('\n').filter(Boolean);
      expect(listing).toContain(marker);
      expect(listing).not.toContain(path.basename(hostOnly));
      expect(existsSync(`/tmp/${marker}`)).toBe(false);
    } finally {
      rmSync(hostOnly, { force: true });
    }
  });

  it('writes to /var/tmp and /dev/shm stay private', async () => {
    await jailed(world, `echo x > /var/tmp/${marker}; echo x > /dev/shm/${marker}`);
    expect(existsSync(`/var/tmp/${marker}`)).toBe(false);
    expect(existsSync(`/dev/shm/${marker}`)).toBe(false);
  });

  it("writes to $HOME go to the jail's own home, not the user's", async () => {
    const r = await jailed(world, `echo x > ~/${marker} && echo "$HOME"; echo x >> ${world.home}/.bashrc; echo x > /root/${marker}`);
    expect(r.stdout.split('\n')[0]).toBe('/tmp/home');
    expect(readFileSync(path.join(world.home, '.bashrc'), 'utf8')).toBe('# original\n');
    expect(existsSync(`/root/${marker}`)).toBe(false);
    expect(existsSync(path.join(world.home, marker))).toBe(false);
  });

  it('cannot write the target checkout', async () => {
    const r = await jailed(world, `echo hacked > ${world.target}/README.md; echo x > ${world.target}/new.txt; rm -f ${world.target}/.gitignore`);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(readFileSync(path.join(world.target, 'README.md'), 'utf8')).toBe('the target\n');
    expect(existsSync(path.join(world.target, 'new.txt'))).toBe(false);
    expect(existsSync(path.join(world.target, '.gitignore'))).toBe(true);
  });

  it("cannot write the target's .git (config, hooks, objects)", async () => {
    const git = path.join(world.target, '.git');
    const configBefore = readFileSync(path.join(git, 'config'), 'utf8');
    await jailed(world, `echo '[core] fsmonitor = evil' >> ${git}/config; echo evil > ${git}/hooks/pre-commit; mkdir ${git}/evolve/run1/other`);
    expect(readFileSync(path.join(git, 'config'), 'utf8')).toBe(configBefore);
    expect(existsSync(path.join(git, 'hooks', 'pre-commit'))).toBe(false);
    expect(existsSync(path.join(git, 'evolve', 'run1', 'other'))).toBe(false);
  });

  it('cannot create a branch in the target with git branch', async () => {
    const r = await jailed(world, `git -C ${world.target} branch evil; git --git-dir=${world.target}/.git branch evil2`);
    expect(r.stderr).toMatch(/Read-only file system|cannot lock ref|unable to create/i);
    expect(gitIn(world.target, 'branch', '--list')).toBe('* main');
  });

  it('cannot move a ref in the target with git update-ref', async () => {
    await jailed(world, `git --git-dir=${world.target}/.git update-ref refs/heads/main 4b825dc642cb6eb9a060e54bf8d69288fbee4904; git --git-dir=${world.target}/.git update-ref refs/heads/x HEAD`);
    expect(gitIn(world.target, 'rev-parse', 'main')).toBe(world.headBefore);
    expect(gitIn(world.target, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main');
  });

  it('cannot write into read-only dependencies', async () => {
    const r = await jailed(world, `echo 'module.exports = "evil"' > ${world.deps}/dep/index.js; touch ${world.deps}/evil.js`);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(readFileSync(path.join(world.deps, 'dep', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect(existsSync(path.join(world.deps, 'evil.js'))).toBe(false);
  });

  it('cannot write outside through a symlink made in the workspace', async () => {
    await jailed(world, `ln -s ${world.target}/README.md link && echo hacked > link; ln -s /etc etc && echo x > etc/${marker}`);
    expect(readFileSync(path.join(world.target, 'README.md'), 'utf8')).toBe('the target\n');
    expect(existsSync(`/etc/${marker}`)).toBe(false);
  });

  it('cannot remount a read-only bind writable (as the jail user, whose uid is the runner\'s outside)', async () => {
    const r = await jailed(world, `id -u; mount -o remount,rw,bind ${world.target}; echo hacked > ${world.target}/README.md`);
    expect(r.stdout.trim()).toBe(String(JAIL_UID));
    expect(r.stderr).toMatch(/permission denied|Read-only/i);
    expect(readFileSync(path.join(world.target, 'README.md'), 'utf8')).toBe('the target\n');
  });

  it('cannot escape through a nested user namespace', async () => {
    const r = await jailed(world, `unshare -Urm sh -c 'mount -o remount,rw,bind ${world.target} && echo hacked > ${world.target}/README.md'; echo "status=$?"`);
    expect(r.stdout).toMatch(/status=[1-9]/);
    expect(readFileSync(path.join(world.target, 'README.md'), 'utf8')).toBe('the target\n');
  });

  it('cannot write to the host cgroups to leave its limits', async () => {
    const r = await jailed(world, 'echo $$ > /sys/fs/cgroup/pids/cgroup.procs; echo 100000 > /sys/fs/cgroup/pids/pids.max; echo "status=$?"');
    expect(r.stdout).toContain('status=1');
    expect(r.stderr).toMatch(/Read-only file system|No such file|Permission denied/);
  });

  it('cannot leave a setuid-root program behind in its workspace', async () => {
    const r = await jailed(world, 'cp /bin/true suid && chmod 4755 suid && mkdir -p d && cp /bin/true d/sgid && chmod 6755 d/sgid && stat -c %a suid d/sgid');
    expect(r.stdout).toBe('4755\n6755\n'); // it could set them inside
    expect(statSync(path.join(world.workspace, 'suid')).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(world.workspace, 'd', 'sgid')).mode & 0o7777).toBe(0o755);
  });

  it('the editor, in the jail, refuses ../ escapes and nothing is written', async () => {
    const [create, view] = await toolsInJail(world, [
      { tool: 'editor', input: { command: 'create', path: `${world.workspace}/../../../../new.txt`, file_text: 'x' } },
      { tool: 'editor', input: { command: 'view', path: `${world.workspace}/../../../../README.md` } },
    ]);
    expect(create.isError).toBe(true);
    expect(create.content).toContain('outside the workspace');
    expect(view.isError).toBe(true);
    expect(existsSync(path.join(world.target, 'new.txt'))).toBe(false);
  });

  it('the editor, in the jail, refuses symlinks that lead out and nothing changes', async () => {
    symlinkSync(path.join(world.target, 'README.md'), path.join(world.workspace, 'to-target.md'));
    symlinkSync('/etc', path.join(world.workspace, 'etc-link'));
    const results = await toolsInJail(world, [
      { tool: 'editor', input: { command: 'str_replace', path: `${world.workspace}/to-target.md`, old_str: 'target', new_str: 'hacked' } },
      { tool: 'editor', input: { command: 'view', path: `${world.workspace}/etc-link/passwd` } },
      { tool: 'editor', input: { command: 'create', path: `${world.workspace}/etc-link/${marker}`, file_text: 'x' } },
    ]);
    for (const r of results) {
      expect(r.isError).toBe(true);
      expect(r.content).toContain('outside the workspace');
    }
    expect(readFileSync(path.join(world.target, 'README.md'), 'utf8')).toBe('the target\n');
    expect(existsSync(`/etc/${marker}`)).toBe(false);
  });

  it('the bash tool, in the jail, keeps its session and cannot write outside', async () => {
    const results = await toolsInJail(world, [
      { tool: 'bash', input: { command: 'cd sub 2>/dev/null || mkdir sub && cd sub && export K=v' } },
      { tool: 'bash', input: { command: `pwd; echo $K; echo hacked > ${world.target}/README.md` } },
    ]);
    expect(results[1].content).toContain(`${world.workspace}/sub\nv\n`);
    expect(results[1].content).toMatch(/Read-only file system/);
    expect(results[1].isError).toBe(true);
    expect(readFileSync(path.join(world.target, 'README.md'), 'utf8')).toBe('the target\n');
    expect(readdirSync(world.target).sort()).toEqual(['.env', '.git', '.gitignore', 'README.md', 'node_modules']);
  });

  it('a file the host wrote in the workspace is visible and editable (binds are live, not copies)', async () => {
    writeFileSync(path.join(world.workspace, 'host.txt'), 'from host\n');
    const [r] = await toolsInJail(world, [{ tool: 'editor', input: { command: 'str_replace', path: `${world.workspace}/host.txt`, old_str: 'host', new_str: 'jail' } }]);
    expect(r.isError).toBe(false);
    expect(readFileSync(path.join(world.workspace, 'host.txt'), 'utf8')).toBe('from jail\n');
  });
});
