/** Hostile suite, part 3: processes and resources. Nothing outlives the jail; limits hold for root. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJail, spawnJailed } from '../../src/tools/sandbox/index.ts';
import { hostProcesses, jailed, makeWorld, probe, sandboxMissing, specFor, toolsInJail, waitFor, type World } from './hostile-setup.ts';

let world: World;
const here = path.dirname(fileURLToPath(import.meta.url));
/** Unusual durations, so that the processes they name can be found on the host afterwards. */
const tag = (n: number) => String(7_000_000 + (process.pid % 100_000) * 10 + n);

/**
 * The limit cases must never run unbounded (a fork bomb without pids.max takes the machine down): when this machine
 * gives no way to enforce limits, they fail, loudly, instead of running. That is a real failure, not a skip.
 */
function requireLimits(): void {
  if (probe.ok && probe.limits === 'none') {
    throw new Error('no cgroup v1 controllers and no systemd user scope here: the jail runs WITHOUT process and memory limits');
  }
}

describe.skipIf(sandboxMissing)('hostile: processes and limits', () => {
  beforeAll(() => {
    world = makeWorld();
  });
  afterAll(() => world?.cleanup());

  it('a `setsid nohup sleep` (and a double-forked daemon) does not outlive the jail', async () => {
    const r = await jailed(world, `setsid nohup sleep ${tag(1)} >/dev/null 2>&1 & (setsid sh -c 'sleep ${tag(2)} &' &) ; sleep 0.2; pgrep -c sleep`);
    expect(Number(r.stdout.trim())).toBeGreaterThanOrEqual(2); // they were running inside
    expect(hostProcesses(`sleep ${tag(1)}`)).toEqual([]);
    expect(hostProcesses(`sleep ${tag(2)}`)).toEqual([]);
  });

  it('a 30 MB flood on stdout comes back as a few KB', async () => {
    const r = await jailed(world, 'head -c 30000000 /dev/zero | tr "\\0" x; echo; echo END');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.length).toBeLessThan(20_000);
    expect(r.stdout).toMatch(/bytes of output cut: 30000005 in all/);
    expect(r.stdout.endsWith('END\n')).toBe(true);
  });

  it('without cgroups (limits: none), the PID namespace alone still ends a `setsid nohup sleep`', async () => {
    const { file, args, env } = buildJail(specFor(world, ['bash', '-c', `setsid nohup sleep ${tag(11)} >/dev/null 2>&1 & echo started`]));
    const bwrap = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    bwrap.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => bwrap.on('close', resolve));
    expect(out).toBe('started\n');
    await waitFor(() => hostProcesses(`sleep ${tag(11)}`).length === 0);
  });

  it('`sleep 100000` is killed at the timeout, with everything it started', async () => {
    const started = Date.now();
    const r = await jailed(world, `sleep ${tag(3)} & sleep 100000`, { timeoutMs: 1_000 });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(hostProcesses(`sleep ${tag(3)}`)).toEqual([]);
    expect(r.cgroups.length).toBeGreaterThan(0);
    expect(r.cgroups.filter((dir) => existsSync(dir))).toEqual([]);
  });

  it('the process limit holds for root: at most pids.max processes', async () => {
    requireLimits();
    const r = await jailed(world, `sh -c 'i=0; while [ $i -lt 200 ]; do sleep ${tag(4)} & i=$((i+1)); done' 2>/dev/null; ls /proc | grep -c '^[0-9]'`, {
      spec: { limits: { pids: 64, memoryBytes: 256 * 1024 * 1024 } },
    });
    const count = Number(r.stdout.trim());
    expect(count).toBeGreaterThan(40); // it did fork up to the limit
    expect(count).toBeLessThanOrEqual(64);
    expect(hostProcesses(`sleep ${tag(4)}`)).toEqual([]);
  });

  it('a fork bomb is held by the limit and removed entirely; the machine carries on', async () => {
    requireLimits();
    const started = Date.now();
    const r = await jailed(world, ':(){ :|:& };:; sleep 100000', {
      timeoutMs: 3_000,
      spec: { limits: { pids: 64, memoryBytes: 256 * 1024 * 1024 } },
    });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.cgroups.filter((dir) => existsSync(dir))).toEqual([]);
    // The host can still start processes and the jail can be used again.
    expect((await jailed(world, 'echo alive')).stdout).toBe('alive\n');
  });

  it('the memory limit holds: a process that allocates past it is killed', async () => {
    requireLimits();
    const r = await jailed(world, `node -e "const a = []; for (;;) a.push(Buffer.alloc(16 << 20, 1))"; echo "status=$?"`, {
      spec: { limits: { pids: 64, memoryBytes: 192 * 1024 * 1024 } },
    });
    expect(r.stdout).toMatch(/status=(137|9)/); // SIGKILL by the OOM killer of the jail's cgroup
  });

  it('the file-size limit holds for root: a write past it fails, and a sparse giant cannot be made', async () => {
    const mib = 1024 * 1024;
    const r = await jailed(world, 'head -c 3145728 /dev/zero > big.bin; echo "head=$?"; truncate -s 1T sparse.bin; echo "truncate=$?"; stat -c %s big.bin', {
      spec: { limits: { pids: 64, memoryBytes: 256 * mib, fileBytes: 2 * mib } },
    });
    expect(r.stdout).toMatch(/head=[1-9]/);
    expect(r.stdout).toMatch(/truncate=[1-9]/);
    expect(Number(r.stdout.trim().split('\n').at(-1))).toBe(2 * mib); // written up to the limit, not a byte more
    expect(existsSync(path.join(world.workspace, 'sparse.bin')) ? statSync(path.join(world.workspace, 'sparse.bin')).size : 0).toBe(0);
  });

  // fallocate --keep-size allocates blocks without changing the size, so RLIMIT_FSIZE never sees it: one call filled
  // the whole disk in milliseconds, long before the watch below looked (and io_uring can do the same allocation).
  it('no file can reserve disk blocks past the file-size limit: fallocate and io_uring are refused', async () => {
    const mib = 1024 * 1024;
    const r = await jailed(world, 'touch keep.bin; fallocate -n -l 64M keep.bin; echo "keep=$?"; fallocate -l 64M grow.bin; echo "grow=$?"; ' +
      'du -B1 keep.bin | cut -f1; python3 -c "import ctypes,sys; sys.exit(0 if ctypes.CDLL(None).syscall(425, 4, bytes(120)) < 0 else 1)" 2>/dev/null; echo "uring=$?"', {
      spec: { limits: { pids: 64, memoryBytes: 256 * mib, fileBytes: 2 * mib } },
    });
    expect(r.stdout).toMatch(/keep=[1-9]/);
    expect(r.stdout).toMatch(/grow=[1-9]/);
    expect(Number(r.stdout.match(/^(\d+)$/m)?.[1])).toBeLessThanOrEqual(2 * mib);
    if (existsSync('/usr/bin/python3')) expect(r.stdout).toMatch(/uring=0/); // io_uring_setup failed in the jail
    rmSync(path.join(world.workspace, 'keep.bin'), { force: true });
    rmSync(path.join(world.workspace, 'grow.bin'), { force: true });
  });

  it('a jail that keeps filling the disk is killed once its writable paths grow past the cap', async () => {
    const mib = 1024 * 1024;
    const started = Date.now();
    // 1 MiB files, one after another, forever: each under the file-size limit, together over the disk cap.
    const r = await jailed(world, 'mkdir -p fill; i=0; while true; do head -c 1048576 /dev/urandom > fill/$i; i=$((i+1)); done', {
      timeoutMs: 30_000, diskCheckMs: 100,
      spec: { limits: { pids: 64, memoryBytes: 256 * mib, fileBytes: 4 * mib, diskGrowthBytes: 32 * mib } },
    });
    expect(r.timedOut).toBe(false);
    expect(r.diskExceeded?.limitBytes).toBe(32 * mib);
    expect(r.diskExceeded!.grownBytes).toBeGreaterThan(32 * mib);
    expect(r.diskExceeded!.reason).toMatch(/^wrote \d+ MiB to disk, more than its 32 MiB$/);
    expect(Date.now() - started).toBeLessThan(20_000);
    rmSync(path.join(world.workspace, 'fill'), { recursive: true, force: true });
  });

  // Empty files take no blocks, so the byte cap never saw them, but each takes an inode: a jail creating them in a
  // loop exhausts the host file system's inodes (no file can be created anywhere on it) within minutes.
  it('a jail that keeps creating empty files is killed once its writable paths gain more files than the cap', async () => {
    const mib = 1024 * 1024;
    const r = await jailed(world, 'mkdir -p many; i=0; while true; do : > many/$i; i=$((i+1)); done', {
      timeoutMs: 30_000, diskCheckMs: 100,
      spec: { limits: { pids: 64, memoryBytes: 256 * mib, diskGrowthBytes: 1024 * mib, diskGrowthFiles: 2_000 } },
    });
    rmSync(path.join(world.workspace, 'many'), { recursive: true, force: true });
    expect(r.timedOut).toBe(false);
    expect(r.diskExceeded?.limitFiles).toBe(2_000);
    expect(r.diskExceeded!.grownFiles).toBeGreaterThan(2_000);
    expect(r.diskExceeded!.reason).toMatch(/^created \d+ files, more than its 2000$/);
  });

  it('kill() removes the running tree, escaped sessions included', async () => {
    const jail = spawnJailed(specFor(world, ['bash', '-c', `setsid sleep ${tag(5)} & sleep ${tag(6)}`]));
    await waitFor(() => hostProcesses(`sleep ${tag(5)}`).length > 0 && hostProcesses(`sleep ${tag(6)}`).length > 0);
    await jail.kill();
    expect(hostProcesses(`sleep ${tag(5)}`)).toEqual([]);
    expect(hostProcesses(`sleep ${tag(6)}`)).toEqual([]);
  });

  it('an AbortSignal ends the jail', async () => {
    const controller = new AbortController();
    const jail = spawnJailed(specFor(world, ['sleep', tag(7)]), { signal: controller.signal });
    await waitFor(() => hostProcesses(`sleep ${tag(7)}`).length > 0);
    controller.abort();
    const r = await jail.done;
    expect(r.aborted).toBe(true);
    expect(hostProcesses(`sleep ${tag(7)}`)).toEqual([]);
  });

  it('the jail dies with the runner, even when the runner is SIGKILLed, and its groups are reaped later', async () => {
    const tsx = path.join(here, '../../node_modules/tsx/dist/loader.mjs');
    const runner = spawn(process.execPath, ['--import', tsx, path.join(here, 'fixtures/killable-runner.ts'), world.workspace, tag(8)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => runner.stdout.on('data', (d: Buffer) => resolve(d.toString())));
    const runnerGroups = JSON.parse(line.replace(/^started /, '')) as string[];
    await waitFor(() => hostProcesses(`sleep ${tag(8)}`).length > 0);
    const runnerExited = new Promise((resolve) => runner.on('exit', resolve));
    runner.kill('SIGKILL');
    await runnerExited;
    await waitFor(() => hostProcesses(`sleep ${tag(8)}`).length === 0);
    // The dead runner could not remove its groups; the next jail of any runner does.
    await jailed(world, 'true');
    await waitFor(() => runnerGroups.every((dir) => !existsSync(dir)));
  });

  it("a process left in a dead runner's group is killed by the next jail", async () => {
    const probe = spawnJailed(specFor(world, ['true']));
    const pidsGroup = probe.cgroups.find((d) => d.includes('/pids/'));
    await probe.done;
    if (!pidsGroup) return; // limits by systemd scope or none: nothing of ours to reap
    // A stand-in runner that dies only once its straggler is in place (other test files' jails reap too).
    const owner = spawn('sleep', ['1000'], { stdio: 'ignore' });
    const orphanDir = path.join(path.dirname(pidsGroup), `${owner.pid}.orphan`);
    mkdirSync(orphanDir);
    const straggler = spawn('sleep', [tag(10)], { stdio: 'ignore' });
    writeFileSync(path.join(orphanDir, 'cgroup.procs'), String(straggler.pid));
    const ownerGone = new Promise((resolve) => owner.on('exit', resolve));
    owner.kill('SIGKILL');
    await ownerGone;
    await jailed(world, 'true');
    await waitFor(() => straggler.exitCode !== null || straggler.signalCode !== null);
    expect(straggler.signalCode).toBe('SIGKILL');
    await jailed(world, 'true');
    await waitFor(() => !existsSync(orphanDir));
  });

  it('cannot see or signal the runner', async () => {
    const r = await jailed(world, `kill -9 ${process.pid} 2>&1; kill -9 1 2>&1; echo "status=$?"; ps -e --no-headers | wc -l`);
    expect(r.stdout).toMatch(/No such process/);
    expect(Number(r.stdout.trim().split('\n').pop())).toBeLessThan(10);
    expect(process.pid).toBeGreaterThan(0); // we are still here to assert
  });

  it('passes the progress pipe as fd 3, and nothing else of the runner', async () => {
    const jail = spawnJailed(specFor(world, ['bash', '-c', 'echo \'{"v":1,"type":"phase","name":"plan"}\' >&3; ls -v /proc/self/fd']), {
      extraPipes: 1,
    });
    let progress = '';
    jail.stdio[3]!.on('data', (d: Buffer) => (progress += d.toString()));
    const r = await jail.done;
    expect(progress).toBe('{"v":1,"type":"phase","name":"plan"}\n');
    // 0-3, and the descriptor ls opened to list the directory; nothing the runner happened to hold.
    const fds = r.stdout.trim().split('\n').map(Number);
    expect(fds.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(fds.length).toBeLessThanOrEqual(5);
    expect(Math.max(...fds)).toBeLessThan(5);
  });

  it('the bash tool in the jail: a timed-out command and its escaped children are gone', async () => {
    const results = await toolsInJail(world, [
      { tool: 'bash', input: { command: `setsid sleep ${tag(9)} & echo started` } },
      { tool: 'bash', input: { command: 'sleep 100000' } },
    ], 1_000);
    expect(results[0].content).toBe('started\n');
    expect(results[1].isError).toBe(true);
    expect(results[1].content).toContain('timed out after 1 s');
    expect(hostProcesses(`sleep ${tag(9)}`)).toEqual([]);
  });
});
