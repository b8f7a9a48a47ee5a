import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASH_TOOL, BashSession } from '../../src/tools/bash.ts';
import { waitFor } from '../wait.ts';

let dir: string;
let session: BashSession;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'evolve-bash-'));
  session = new BashSession({ cwd: dir, timeoutMs: 3_000 });
});
afterEach(async () => {
  session.close();
  await rm(dir, { recursive: true, force: true });
});

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('BashSession', () => {
  it('is offered as the Anthropic-defined bash tool', () => {
    expect(BASH_TOOL).toEqual({ type: 'bash_20250124', name: 'bash' });
  });

  it('returns stdout and stderr together', async () => {
    const r = await session.run({ command: 'echo out; echo err >&2' });
    expect(r).toEqual({ content: 'out\nerr\n', isError: false });
  });

  it('keeps the working directory and exported variables between calls', async () => {
    await session.run({ command: 'mkdir sub && cd sub && export GREETING=hello && LOCAL=kept' });
    const r = await session.run({ command: 'pwd; echo $GREETING $LOCAL' });
    expect(r.content).toBe(`${path.join(dir, 'sub')}\nhello kept\n`);
  });

  it('reports a non-zero exit as an error with its code and output', async () => {
    const r = await session.run({ command: 'echo partial; exit_code() { return 7; }; exit_code' });
    expect(r.isError).toBe(true);
    expect(r.content).toBe('partial\nError: exit code 7');
  });

  it('survives a syntax error in the command', async () => {
    const bad = await session.run({ command: 'echo (' });
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/syntax error/);
    expect(await session.run({ command: 'echo still here' })).toEqual({ content: 'still here\n', isError: false });
  });

  it('gives commands /dev/null as stdin so they cannot read the protocol', async () => {
    const r = await session.run({ command: 'cat; read line; echo "read=[$line]"' });
    expect(r).toEqual({ content: 'read=[]\n', isError: false });
    expect((await session.run({ command: 'echo next' })).content).toBe('next\n');
  });

  it('says so when a command prints nothing, and keeps output without a final newline', async () => {
    expect(await session.run({ command: 'true' })).toEqual({ content: '(no output)', isError: false });
    expect(await session.run({ command: 'printf abc' })).toEqual({ content: 'abc', isError: false });
  });

  it('restarts on request with a fresh shell', async () => {
    await session.run({ command: 'export X=1; cd /' });
    expect(await session.run({ restart: true })).toEqual({ content: 'The bash session has been restarted.', isError: false });
    const r = await session.run({ command: 'echo "[$X]"; pwd' });
    expect(r.content).toBe(`[]\n${dir}\n`);
  });

  it('times out, kills the whole process group, and restarts on the next call saying so', async () => {
    const quick = new BashSession({ cwd: dir, timeoutMs: 300 });
    try {
      const started = Date.now();
      const r = await quick.run({ command: 'sleep 1000 & echo $! > bg.pid; sleep 1000' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.isError).toBe(true);
      expect(r.content).toContain('timed out after 0.3 s');
      const { readFileSync } = await import('node:fs');
      const bgPid = Number(readFileSync(path.join(dir, 'bg.pid'), 'utf8'));
      await waitFor(() => !pidAlive(bgPid));
      const next = await quick.run({ command: 'echo again' });
      expect(next.isError).toBe(false);
      expect(next.content).toMatch(/timed out.*fresh bash session[^\n]*\nagain\n$/s);
    } finally {
      quick.close();
    }
  });

  it('reports a shell that exits, keeps what it printed, and starts a fresh one', async () => {
    const r = await session.run({ command: 'echo bye; exit 3' });
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/^bye\n.*exited with code 3/s);
    const next = await session.run({ command: 'echo fresh' });
    expect(next.content).toMatch(/previous shell exited with code 3.*\nfresh\n$/s);
  });

  it('caps a 30 MB flood to its first and last bytes with a marker, quickly', async () => {
    const r = await session.run({ command: 'head -c 30000000 /dev/zero | tr "\\0" a; echo; echo THE-END' });
    expect(r.isError).toBe(false);
    expect(r.content.length).toBeLessThan(20_000);
    expect(r.content.startsWith('a'.repeat(8192))).toBe(true);
    expect(r.content).toMatch(/\[\.\.\. \d+ bytes of output cut: 30000009 in all/);
    expect(r.content.endsWith('THE-END\n')).toBe(true);
  });

  it('honours maxOutputBytes', async () => {
    const small = new BashSession({ cwd: dir, maxOutputBytes: 100 });
    try {
      const r = await small.run({ command: 'seq 1 1000' });
      expect(r.content.startsWith('1\n2\n3\n')).toBe(true);
      expect(r.content.endsWith('999\n1000\n')).toBe(true);
      expect(r.content).toContain('bytes of output cut');
    } finally {
      small.close();
    }
  });

  it('runs calls one after another even when they are issued together', async () => {
    const [a, b] = await Promise.all([
      session.run({ command: 'sleep 0.2; echo first' }),
      session.run({ command: 'echo second' }),
    ]);
    expect(a.content).toBe('first\n');
    expect(b.content).toBe('second\n');
  });

  it('does not pass credentials from the environment to commands', async () => {
    const before = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-test-must-not-leak';
    process.env.SOME_SERVICE_TOKEN = 'tok-must-not-leak';
    const s = new BashSession({ cwd: dir });
    try {
      const r = await s.run({ command: 'env' });
      expect(r.content).not.toContain('must-not-leak');
      expect(r.content).toContain('PATH=');
    } finally {
      s.close();
      if (before === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = before;
      delete process.env.SOME_SERVICE_TOKEN;
    }
  });

  it('refuses invalid input with a readable error instead of throwing', async () => {
    for (const input of [undefined, {}, { command: '' }, { command: 42 }, { restart: false }, 'ls']) {
      const r = await session.run(input);
      expect(r.isError).toBe(true);
      expect(r.content).toMatch(/^Error: invalid input for bash/);
    }
  });

  it('reports a working directory that does not exist', async () => {
    const s = new BashSession({ cwd: path.join(dir, 'missing') });
    const r = await s.run({ command: 'echo hi' });
    s.close();
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/could not be started|ENOENT/);
  });
});
