/** Shared test rig: a proxy on a temporary socket in front of a fake upstream, an in-memory recorder, a client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePrices } from '../../src/evolve/proxy/prices.ts';
import { startProxy, type Proxy } from '../../src/evolve/proxy/index.ts';
import type { ModelCallRecord, ProxyEvent, ProxyOptions, ProxyRecorder, TranscriptRecord } from '../../src/evolve/proxy/types.ts';
import { checkEventData } from '../../src/lineage/events/index.ts';
import { modelCallData } from '../../src/lineage/store.ts';
import { startFakeUpstream, type FakeUpstream, type Script } from './fake-upstream.ts';

export const REAL_KEY = 'sk-ant-api03-REALKEY-never-in-a-jail-0123456789';
export const MODEL = 'claude-sonnet-5-5';

export class MemoryRecorder implements ProxyRecorder {
  calls: ModelCallRecord[] = [];
  events: ProxyEvent[] = [];
  transcripts: TranscriptRecord[] = [];
  /**
   * Events the store would have refused (src/lineage/events). The proxy logs a failed write and goes on, so the
   * rig's close() fails the test instead.
   */
  invalid: Error[] = [];
  recordModelCall(call: ModelCallRecord) {
    this.check(() => checkEventData('model_call', modelCallData(call)));
    this.calls.push(call);
  }
  appendEvent(event: ProxyEvent) {
    this.check(() => checkEventData(event.kind, event.data));
    this.events.push(event);
  }
  private check(fn: () => unknown) {
    try {
      fn();
    } catch (err) {
      this.invalid.push(err as Error);
      throw err;
    }
  }
  addTranscript(t: TranscriptRecord) { this.transcripts.push(t); }
  spent(candidateId?: string) {
    return this.calls.filter((c) => !candidateId || c.candidateId === candidateId).reduce((s, c) => s + c.costUsd, 0);
  }
}

export interface Rig {
  proxy: Proxy;
  upstream: FakeUpstream;
  recorder: MemoryRecorder;
  dir: string;
  socketPath: string;
  close(): Promise<void>;
}

export async function startRig(script: Script, extra: Partial<ProxyOptions> = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-proxy-'));
  const socketPath = join(dir, 'proxy.sock');
  const upstream = await startFakeUpstream(script);
  const recorder = new MemoryRecorder();
  const proxy = await startProxy({
    socketPath, upstream: { baseUrl: upstream.url, apiKey: REAL_KEY }, models: [MODEL], prices: resolvePrices(),
    runId: 'run-test', runBudgetUsd: 10, recorder, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 20 },
    ...extra,
  });
  return {
    proxy, upstream, recorder, dir, socketPath,
    async close() {
      await proxy.close({ graceMs: 1000 });
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
      if (recorder.invalid.length > 0) throw recorder.invalid[0];
    },
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any;
}

/** One HTTP request over the unix socket, the way the relay's bytes arrive. */
export function call(
  socketPath: string, opts: { method?: string; path?: string; body?: unknown; headers?: Record<string, string> },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const req = request({
      socketPath, method: opts.method ?? 'POST', path: opts.path ?? '/v1/messages',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // A server may answer (e.g. 413) and close before the body is all written; the client's late EPIPE on the socket
    // then has no request left to report to. It is not a failure of the call, whose answer has arrived.
    req.on('socket', (socket) => socket.on('error', () => {}));
    req.end(payload);
  });
}

export const body = (extra: Record<string, unknown> = {}) => ({
  model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra,
});

/** Resolves the next time `emitter` emits `event` (with its first argument). */
export function next<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}

/** Resolves when the fake upstream receives its next Messages request. */
export function upstreamReceives(rig: Rig): Promise<void> {
  return new Promise((resolve) => {
    const prev = rig.upstream.script;
    rig.upstream.script = (req) => {
      rig.upstream.script = prev;
      resolve();
      return prev(req);
    };
  });
}

/** Starts a streaming call; `firstBytes` resolves when the first event reaches the candidate, `done` at the end. */
export function openStream(socketPath: string, token: string, payload: unknown) {
  let firstBytes!: () => void;
  const first = new Promise<void>((resolve) => { firstBytes = resolve; });
  const done = new Promise<string>((resolve) => {
    const req = request({
      socketPath, method: 'POST', path: '/v1/messages',
      headers: { 'content-type': 'application/json', 'x-api-key': token },
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d; firstBytes(); });
      res.on('end', () => resolve(text));
      res.on('error', () => resolve(text));
    });
    req.on('error', () => resolve(''));
    req.end(JSON.stringify(payload));
  });
  return { firstBytes: first, done };
}
