/** The relay: a child that knows only ANTHROPIC_BASE_URL reaches the proxy through it, in and out of a real jail. */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { answerWith, message } from './fake-upstream.ts';
import { MODEL, startRig, type Rig } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const RELAY = join(here, '../../src/evolve/jail/relay.mjs');
const CLIENT = join(here, 'fixtures/client.mjs');
const usage = { input_tokens: 12, output_tokens: 7 };

interface Ran { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; fd3: string }

/** Runs a command to its end, collecting stdout, stderr and fd 3. */
function run(file: string, args: string[], env: Record<string, string>, onStdout?: (s: string, kill: (sig: NodeJS.Signals) => void) => void): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '', fd3: '' };
    child.stdout!.on('data', (d) => {
      out.stdout += d;
      onStdout?.(out.stdout, (sig) => child.kill(sig));
    });
    child.stderr!.on('data', (d) => { out.stderr += d; });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => { out.fd3 += d; });
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
}

const relayArgs = (socket: string, ...command: string[]) => [RELAY, '--socket', socket, '--port', '0', '--', ...command];
const lastJson = (text: string) => JSON.parse(text.trim().split('\n').at(-1)!);

let rig: Rig;
afterEach(async () => rig?.close());

describe('relay', () => {
  it('forwards the child\'s call to the socket, passes fd 3 through and exits with the child\'s code', async () => {
    rig = await startRig(answerWith(usage, 'through the relay'));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const ran = await run(process.execPath, relayArgs(rig.socketPath, process.execPath, CLIENT, 'fetch', '7'), { ANTHROPIC_API_KEY: token });
    expect(ran.code).toBe(7);
    const seen = JSON.parse(ran.fd3);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual(message(usage, 'through the relay', MODEL));
    expect(seen.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(rig.recorder.calls).toHaveLength(1);
  });

  it('serves the Anthropic SDK streaming through relay and proxy', async () => {
    rig = await startRig(answerWith(usage, 'sdk streaming works'));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const ran = await run(process.execPath, relayArgs(rig.socketPath, process.execPath, CLIENT, 'sdk-stream'), { ANTHROPIC_API_KEY: token });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const { text, final } = lastJson(ran.stdout);
    expect(text).toBe('sdk streaming works');
    expect(final).toMatchObject({ role: 'assistant', stop_reason: 'end_turn', usage: { input_tokens: 12, output_tokens: 7 } });
    expect(rig.recorder.calls).toEqual([expect.objectContaining({ stream: true, inputTokens: 12, outputTokens: 7 })]);
  });

  it('ends with the child\'s signal when the child is killed, and forwards SIGTERM to it', async () => {
    rig = await startRig(answerWith(usage));
    const ran = await run(process.execPath, relayArgs(rig.socketPath, process.execPath, CLIENT, 'wait'), {}, (out, kill) => {
      if (out.includes('ready')) kill('SIGTERM');
    });
    expect(ran.signal).toBe('SIGTERM');
  });

  it('refuses to start without a command or a socket, and says when the command cannot run', async () => {
    const noCommand = spawnSync(process.execPath, [RELAY, '--socket', '/tmp/x.sock', '--'], { encoding: 'utf8' });
    expect(noCommand.status).toBe(70);
    expect(noCommand.stderr).toContain('usage');
    const noSocket = spawnSync(process.execPath, [RELAY, '--port', '0', '--', 'true'], { encoding: 'utf8' });
    expect(noSocket.status).toBe(70);
    const noSuchCommand = spawnSync(process.execPath, [RELAY, '--socket', '/tmp/x.sock', '--', '/nonexistent/agent'], { encoding: 'utf8' });
    expect(noSuchCommand.status).toBe(127);
    expect(noSuchCommand.stderr).toContain('cannot run /nonexistent/agent');
  });
});

const bwrapWorks = spawnSync('bwrap', ['--unshare-all', '--ro-bind', '/', '/', 'true']).status === 0;

describe.skipIf(!bwrapWorks)('relay inside a bubblewrap jail with no network', () => {
  const jail = (sockDir: string, ...command: string[]) => [
    '--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', '--bind', sockDir, sockDir,
    '--dev', '/dev', '--proc', '/proc', ...command,
  ];

  it('reaches the model only through the socket', async () => {
    rig = await startRig(answerWith(usage, 'from inside the jail'));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const env = { ANTHROPIC_API_KEY: token };
    const inside = await run('bwrap', jail(rig.dir, process.execPath, ...relayArgs(rig.socketPath, process.execPath, CLIENT, 'sdk-stream')), env);
    expect(inside.stderr).toBe('');
    expect(lastJson(inside.stdout).text).toBe('from inside the jail');

    const direct = await run('bwrap', jail(rig.dir, process.execPath, CLIENT, 'direct', `${rig.upstream.url}/v1/messages`), env);
    expect(lastJson(direct.stdout)).toMatchObject({ reached: false });
    expect(rig.upstream.requests).toHaveLength(1);
    expect(rig.upstream.requests[0].headers['x-api-key']).not.toBe(token);
  });
});

describe('relay start-up', () => {
  it('exits 70 with a reason when its port is taken', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = String((busy.address() as { port: number }).port);
    const ran = spawnSync(process.execPath, [RELAY, '--socket', '/tmp/none.sock', '--port', port, '--', 'true'], { encoding: 'utf8' });
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    expect(ran.status).toBe(70);
    expect(ran.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
  });
});
