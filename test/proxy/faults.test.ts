/** Upstream faults: retried with backoff while nothing has reached the candidate, every retry recorded. */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelCallRecord } from '../../src/evolve/proxy/types.ts';
import { answerWith, apiError, streamEvents, type Reply } from './fake-upstream.ts';
import { costOf, DEFAULT_PRICES } from '../../src/evolve/proxy/prices.ts';
import { body, call, MODEL, next, openStream, startRig, upstreamReceives, type Rig } from './helpers.ts';

let rig: Rig;
afterEach(async () => rig?.close());

const usage = { input_tokens: 10, output_tokens: 5 };
const ok = answerWith(usage);
const retries = () => rig.recorder.events.filter((e) => e.kind === 'model_retry');

describe('transient faults', () => {
  it('retries an upstream that answers 529 to every third request; every call succeeds', async () => {
    rig = await startRig((req) => (req.n % 3 === 0 ? apiError(529, 'overloaded_error') : ok(req)));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    for (let i = 0; i < 8; i++) {
      const stream = i % 2 === 0;
      const a = await call(rig.socketPath, { body: body({ stream }), headers: { 'x-api-key': token } });
      expect(a.status).toBe(200);
    }
    expect(rig.recorder.calls).toHaveLength(8);
    expect(rig.recorder.calls.every((c) => c.status === 200 && c.outputTokens === 5)).toBe(true);
    const failed = rig.upstream.requests.filter((r) => r.n % 3 === 0).length;
    expect(retries()).toHaveLength(failed);
    expect(retries()[0]).toMatchObject({ kind: 'model_retry', candidateId: 'c1', data: { status: 529, attempt: 1 } });
    expect(rig.recorder.calls.filter((c) => c.attempts === 2)).toHaveLength(failed);
  });

  it('retries a dropped connection', async () => {
    rig = await startRig((req) => (req.n === 1 ? { kind: 'drop' } : ok(req)));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } })).status).toBe(200);
    expect(retries()).toEqual([expect.objectContaining({ data: expect.objectContaining({ status: null, attempt: 1 }) })]);
  });

  it('honours retry-after, bounded by the configured maximum', async () => {
    const limited = (headers: Record<string, string>): Reply => ({ ...apiError(429, 'rate_limit_error'), headers } as Reply);
    rig = await startRig((req) => {
      if (req.n === 1) return limited({ 'retry-after-ms': '7' });
      if (req.n === 2) return limited({ 'retry-after': '30' });
      return ok(req);
    });
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } })).status).toBe(200);
    expect(retries().map((e) => e.data.delay_ms)).toEqual([7, 20]);
  });
});

describe('persistent faults', () => {
  it('returns the upstream\'s last error after the last attempt, telling the SDK not to retry again', async () => {
    rig = await startRig(() => apiError(500, 'api_error', 'upstream is down'));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const a = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } });
    expect(a.status).toBe(500);
    expect(a.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'upstream is down' } });
    expect(a.headers['x-should-retry']).toBe('false');
    expect(rig.upstream.requests).toHaveLength(3);
    expect(retries().map((e) => e.data.attempt)).toEqual([1, 2]);
    expect(rig.recorder.calls).toEqual([expect.objectContaining({ status: 500, attempts: 3, costUsd: 0, error: 'upstream answered 500' })]);
    expect(rig.proxy.spentUsd()).toBe(0);
  });

  it('does not retry what the upstream says not to retry', async () => {
    rig = await startRig(() => ({ ...apiError(400, 'invalid_request_error', 'bad') }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } })).status).toBe(400);
    expect(rig.upstream.requests).toHaveLength(1);
    expect(retries()).toHaveLength(0);
  });

  it('answers 502 api_error when the upstream cannot be reached at all, and releases the reservation', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    rig = await startRig(ok, { upstream: { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'sk-ant-test-key-0000' }, runBudgetUsd: 0.01 });
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const a = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } });
    expect(a.status).toBe(502);
    expect(a.json().error.type).toBe('api_error');
    expect(retries()).toHaveLength(2);
    expect(rig.proxy.remainingUsd()).toBeCloseTo(0.01, 9);
    expect(rig.recorder.transcripts[0].response).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});

describe('faults inside a stream', () => {
  const usageStart = { input_tokens: 900, output_tokens: 50 };

  it('passes an error event on and bills the usage seen so far', async () => {
    rig = await startRig((req) => {
      const events = streamEvents(usageStart, 'partial', req.body.model).slice(0, 4);
      events.push(['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]);
      return { kind: 'sse', events };
    });
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const a = await call(rig.socketPath, { body: body({ stream: true }), headers: { 'x-api-key': token } });
    expect(a.text).toContain('event: error');
    expect(rig.recorder.calls).toEqual([expect.objectContaining({
      status: 200, inputTokens: 900, outputTokens: 1, error: 'upstream stream ended with overloaded_error', usageUnknown: true,
    })]);
    // The final usage never came: the call is charged its reserved worst case, more than the tokens seen.
    const seen = costOf({ inputTokens: 900, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, DEFAULT_PRICES[MODEL]);
    expect(rig.recorder.calls[0].costUsd).toBeGreaterThan(seen);
    expect(rig.proxy.spentUsd()).toBe(rig.recorder.calls[0].costUsd);
    expect(rig.recorder.transcripts[0].response).toMatchObject({
      type: 'message', content: [{ type: 'text', text: 'part' }], stream_error: { type: 'overloaded_error' },
    });
  });

  it('breaks the candidate\'s connection when the upstream stream breaks, billing what arrived', async () => {
    rig = await startRig((req) => ({ kind: 'sse', events: streamEvents(usageStart, 'cut short', req.body.model), dropAfter: 3 }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const billed = next<ModelCallRecord>(rig.proxy, 'call');
    await call(rig.socketPath, { body: body({ stream: true }), headers: { 'x-api-key': token } }).catch((err: Error) => err);
    const recorded = await billed;
    expect(recorded).toMatchObject({ inputTokens: 900, usageUnknown: true, error: expect.stringContaining('upstream stream broke') });
    expect(rig.upstream.requests).toHaveLength(1);
  });
});

describe('closing the proxy', () => {
  it('lets a call in flight finish and be billed, then removes the socket', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    rig = await startRig((req) => ({ kind: 'sse', events: streamEvents(usage, 'slow', req.body.model), pauseAfter: 1, gate }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const started = upstreamReceives(rig);
    const answer = call(rig.socketPath, { body: body({ stream: true }), headers: { 'x-api-key': token } });
    await started;
    const closing = rig.proxy.close({ graceMs: 60_000 });
    expect(rig.proxy.inFlight()).toBe(1);
    release();
    await closing;
    expect((await answer).status).toBe(200);
    expect(rig.recorder.calls).toEqual([expect.objectContaining({ outputTokens: 5, status: 200 })]);
    expect(existsSync(rig.socketPath)).toBe(false);
  });

  it('aborts what is left after the grace period, still recording the call', async () => {
    rig = await startRig((req) => ({ kind: 'sse', events: streamEvents(usage, 'never ends', req.body.model), pauseAfter: 1, gate: new Promise(() => {}) }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const billed = next<ModelCallRecord>(rig.proxy, 'call');
    const answer = openStream(rig.socketPath, token, body({ stream: true }));
    await answer.firstBytes;
    await rig.proxy.close({ graceMs: 0 });
    await answer.done;
    expect(await billed).toMatchObject({ inputTokens: 10, error: expect.stringContaining('upstream stream broke') });
  });
});
