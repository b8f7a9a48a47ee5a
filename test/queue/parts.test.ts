/** The queue's parts at their boundaries: addresses, the worker's forwarding proxy, what a worker may write, the CLI. */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { startForwardProxy, type ForwardProxy } from '../../src/evolve/queue/forward.ts';
import { JobStore } from '../../src/evolve/queue/job-store.ts';
import { parseListen, parseQueueUrl, type JobData } from '../../src/evolve/queue/protocol.ts';
import { evolve, tempDir } from '../evolve/helpers.ts';
import { makeToyRepo } from '../evolve/toy.ts';
import { freePort } from './redis.ts';

describe('addresses', () => {
  it('reads redis:// and rediss:// URLs, and refuses anything else with a one-line reason', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380')).toEqual({ host: '10.0.0.5', port: 6380 });
    expect(parseQueueUrl('rediss://evolve:s%40cret@queue.lan/2')).toEqual({ host: 'queue.lan', port: 6379, username: 'evolve', password: 's@cret', db: 2, tls: {} });
    for (const bad of ['http://x:1', 'queue.lan:6379', 'redis://h:1/x']) expect(() => parseQueueUrl(bad)).toThrow(UsageError);
  });

  it('reads --listen host:port (no port or 0: a free one)', () => {
    expect(parseListen('0.0.0.0:7800')).toEqual({ host: '0.0.0.0', port: 7800 });
    expect(parseListen('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(() => parseListen('h:99999')).toThrow(UsageError);
  });
});

describe("a worker's forwarding proxy", () => {
  let forward: ForwardProxy | null = null;
  let close: (() => void) | null = null;
  afterEach(async () => {
    await forward?.close();
    close?.();
  });

  it("accepts only its jails' tokens, and forwards with the candidate's token at the runner, never the jail's", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const runner = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        const refuse = req.headers['x-api-key'] !== 'runner-token-0123456789';
        res.writeHead(refuse ? 401 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(refuse ? { type: 'error' } : { ok: true, path: req.url }));
      });
    });
    await new Promise<void>((r) => runner.listen(0, '127.0.0.1', () => r()));
    close = () => runner.close();
    const url = `http://127.0.0.1:${(runner.address() as AddressInfo).port}`;
    forward = await startForwardProxy(path.join(tempDir(), 'proxy.sock'), { url, token: 'runner-token-0123456789' });
    const token = forward.admit('abcd1234', { budgetUsd: 1 });

    const call = (key: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ socketPath: forward!.socketPath, path: '/v1/messages', method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('{"model":"m"}');
    });
    expect(await call('someone-else')).toMatchObject({ status: 401 });
    expect(seen).toHaveLength(0);
    expect(await call(token)).toMatchObject({ status: 200, body: '{"ok":true,"path":"/v1/messages"}' });
    expect(seen[0]['x-api-key']).toBe('runner-token-0123456789');
    expect(JSON.stringify(seen)).not.toContain(token);
    forward.dismiss('abcd1234');
    expect(await call(token)).toMatchObject({ status: 401 });
  });
});

describe("what a worker's result may change", () => {
  it('keeps the verdict and drops what only the runner decides (cost, tokens, lineage, selection)', () => {
    const data = {
      runId: 'r', candidateId: 'abcd1234', generation: 1, branch: 'evolve/r/g1-abcd1234',
      parent: { id: 'p', commit: 'a'.repeat(40), measure: null, depsFrom: null },
    } as unknown as JobData;
    const store = new JobStore(data, 0, () => {});
    store.updateCandidate('abcd1234', { status: 'passed', score: 3, cost_usd: 0, survived: 1, parent_id: 'x', model_calls: 0, worker: 'w1' });
    expect(store.changes()).toEqual({ status: 'passed', score: 3, worker: 'w1' });
    expect(() => store.updateCandidate('other', { status: 'failed' })).toThrow();
  });
});

describe('the command line', () => {
  it('refuses a worker without a queue, and a queue that is not redis:// (exit 2)', async () => {
    const worker = await evolve(['worker'], {});
    expect(worker).toMatchObject({ code: 2 });
    expect(worker.stderr).toContain('--queue redis://<host>:<port> is required');
    const http = await evolve(['worker', '--queue', 'http://localhost:6379'], {});
    expect(http).toMatchObject({ code: 2 });
    expect(http.stderr).toContain('expected redis://<host>:<port>');
  }, 120_000);

  it('refuses --listen without --queue (exit 2)', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const listen = await evolve(['--population', '1', '--generations', '1', '--target', repo, '--db', db, '--listen', '127.0.0.1:0'], { ANTHROPIC_API_KEY: 'k' });
    expect(listen).toMatchObject({ code: 2 });
    expect(listen.stderr).toContain('--listen is for a run with --queue');
  }, 120_000);

  it('refuses a queue that does not answer before anything is recorded (exit 2)', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const port = await freePort();
    const run = await evolve(['--population', '1', '--generations', '1', '--target', repo, '--db', db, '--queue', `redis://127.0.0.1:${port}`, '--no-tui',
      ...(process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [])], { ANTHROPIC_API_KEY: 'k' });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--queue redis:\/\/127\.0\.0\.1:\d+: Redis does not answer/);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^evolve: --queue/);
    expect(existsSync(db)).toBe(false);
  }, 120_000);
});
