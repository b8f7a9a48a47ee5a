import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { combinedOutput, runProcess, startProcess } from '../../src/process/run.ts';
import { runProcessSync } from '../../src/process/sync.ts';
import { alive, waitFor } from '../wait.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pidFile = (name: string) => path.join(dir, name);
const readPid = (file: string) => Number(readFileSync(file, 'utf8').trim());

describe('runProcess', () => {
  it('keeps stdout and stderr apart, with the exit code', async () => {
    const r = await runProcess('sh', ['-c', 'echo out; echo err >&2; echo more; exit 3']);
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false, stdout: 'out\nmore\n', stderr: 'err\n', truncated: false });
    expect(combinedOutput(r)).toBe('out\nmore\nerr\n');
  });

  it('never rejects: a program that does not exist is a result with an error', async () => {
    const r = await runProcess('/nonexistent/evolve-no-such-program', []);
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/could not start .*ENOENT/);
  });

  it('writes `input` to stdin and closes it', async () => {
    expect((await runProcess('cat', [], { input: 'hello\n' })).stdout).toBe('hello\n');
  });

  it('caps each stream in one head/tail collector and says so', async () => {
    const r = await runProcess('sh', ['-c', 'head -c 3000000 /dev/zero | tr "\\0" a; echo; echo LAST'], { maxOutputBytes: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBeLessThan(1200);
    expect(r.stdout).toMatch(/^a{500}\n\n\[\.\.\. \d+ bytes of output cut/);
    expect(r.stdout.endsWith('LAST\n')).toBe(true);
  });

  it('on timeout kills the whole process group, background children included', async () => {
    const file = pidFile('timeout.pid');
    const r = await runProcess('sh', ['-c', `sleep 1000 & echo $! > ${file}; wait`], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    await waitFor(() => !alive(readPid(file)), 'the background sleep to be gone');
  });

  it('on abort kills the group; an already aborted signal never lets it run', async () => {
    const file = pidFile('abort.pid');
    const controller = new AbortController();
    const running = runProcess('sh', ['-c', `sleep 1000 & echo $! > ${file}; wait`], { signal: controller.signal });
    await waitFor(() => { try { return readPid(file) > 0; } catch { return false; } }, 'the child to start');
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, timedOut: false });
    await waitFor(() => !alive(readPid(file)), 'the background sleep to be gone');
    const early = await runProcess('sh', ['-c', 'echo ran'], { signal: AbortSignal.abort() });
    expect(early).toMatchObject({ aborted: true, stdout: '' });
  });

  it('kills what the leader left in its group when it exits', async () => {
    const grouped = pidFile('grouped.pid');
    const r = await runProcess('sh', ['-c', `sleep 1000 & echo $! > ${grouped}; echo bye`]);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'bye\n' });
    await waitFor(() => !alive(readPid(grouped)), 'the grouped sleep to be gone');
  });

  it('lets go of the pipes a process that left the group holds open, after the grace', async () => {
    // The leader waits until its child has its own session (field 6 of /proc/<pid>/stat), then exits.
    const script = 'setsid sleep 1000 & p=$!; until [ "$(cut -d" " -f6 /proc/$p/stat)" = "$p" ]; do :; done; echo $p; echo bye';
    const r = await runProcess('sh', ['-c', script], { closeGraceMs: 300 });
    const escaped = Number(r.stdout.split('\n')[0]);
    expect(r).toMatchObject({ exitCode: 0, stdout: `${escaped}\nbye\n` });
    expect(r.ms).toBeGreaterThanOrEqual(300);
    expect(r.ms).toBeLessThan(5000);
    if (alive(escaped)) process.kill(escaped, 'SIGKILL'); // out of the group by design: a jail's cgroup catches it
  });

  it('gives the extra pipes (fd 3) and runs alsoKill when the group is killed', async () => {
    let killed = 0;
    const p = startProcess('sh', ['-c', 'echo progress >&3; sleep 1000'], { extraPipes: 1, alsoKill: async () => { killed++; } });
    let fd3 = '';
    (p.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (fd3 += d.toString()));
    await waitFor(() => fd3 === 'progress\n', 'the progress line');
    const r = await p.kill();
    expect(r.signal).toBe('SIGKILL');
    expect(killed).toBe(1);
  });

  it("leaves stdin open with input: 'pipe' and streams output to callbacks", async () => {
    const seen: string[] = [];
    const p = startProcess('cat', [], { input: 'pipe', maxOutputBytes: 0, onStdout: (c) => seen.push(c.toString()) });
    p.stdio[0]!.write('one\n');
    await waitFor(() => seen.join('') === 'one\n', 'the echo');
    (p.stdio[0] as NodeJS.WritableStream).end();
    const r = await p.done;
    expect(r).toMatchObject({ exitCode: 0, stdout: '' });
  });
});

describe('runProcessSync', () => {
  it('has the same result: streams apart, a missing program an error, a timeout marked', () => {
    expect(runProcessSync('sh', ['-c', 'echo out; echo err >&2; exit 4'])).toMatchObject({ exitCode: 4, stdout: 'out\n', stderr: 'err\n' });
    expect(runProcessSync('/nonexistent/evolve-no-such-program', []).error).toMatch(/ENOENT/);
    expect(runProcessSync('sleep', ['5'], { timeoutMs: 100 })).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(runProcessSync('cat', [], { input: 'x' }).stdout).toBe('x');
  });
});
