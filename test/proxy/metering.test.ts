/** What the proxy passes back and what it bills: byte-exact answers, usage and cost, early hang-ups, transcripts. */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { costOf, DEFAULT_PRICES } from '../../src/evolve/proxy/prices.ts';
import type { ModelCallRecord } from '../../src/evolve/proxy/types.ts';
import { answerWith, message, sseText, streamEvents } from './fake-upstream.ts';
import { body, call, MODEL, next, REAL_KEY, startRig, upstreamReceives, type Rig } from './helpers.ts';

let rig: Rig;
afterEach(async () => rig?.close());

const usage = { input_tokens: 1200, output_tokens: 345, cache_read_input_tokens: 5000, cache_creation_input_tokens: 800 };
// Sonnet 5.5: $2 input, $10 output, $0.10 cache read, $2.50 cache write per million tokens.
const expectedCost = (1200 * 2 + 345 * 10 + 5000 * 0.1 + 800 * 2.5) / 1e6;

describe('pass-through', () => {
  it('returns a JSON answer byte for byte and records its usage at the table price', async () => {
    rig = await startRig(answerWith(usage, 'exact'));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const a = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } });
    expect(a.text).toBe(JSON.stringify(message(usage, 'exact', MODEL)));
    expect(a.headers['request-id']).toBe('req_test');
    expect(rig.recorder.calls).toEqual([expect.objectContaining({
      runId: 'run-test', candidateId: 'c1', model: MODEL, status: 200, stream: false, attempts: 1,
      inputTokens: 1200, outputTokens: 345, cacheReadTokens: 5000, cacheWriteTokens: 800, stopReason: 'end_turn',
    })]);
    expect(rig.recorder.calls[0].costUsd).toBeCloseTo(expectedCost, 12);
    expect(rig.recorder.calls[0].costUsd).toBe(costOf(
      { inputTokens: 1200, outputTokens: 345, cacheReadTokens: 5000, cacheWriteTokens: 800 }, DEFAULT_PRICES[MODEL]));
    expect(rig.proxy.spentUsd()).toBe(rig.recorder.calls[0].costUsd);
    expect(rig.proxy.candidateSpentUsd('c1')).toBe(rig.recorder.calls[0].costUsd);
  });

  it('streams events back byte for byte and bills message_start + message_delta usage', async () => {
    rig = await startRig(answerWith(usage, 'streamed text'));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const a = await call(rig.socketPath, { body: body({ stream: true }), headers: { 'x-api-key': token } });
    expect(a.headers['content-type']).toBe('text/event-stream');
    expect(a.text).toBe(sseText(streamEvents(usage, 'streamed text', MODEL)));
    const [recorded] = rig.recorder.calls;
    expect(recorded).toMatchObject({ stream: true, inputTokens: 1200, outputTokens: 345, cacheReadTokens: 5000, cacheWriteTokens: 800 });
    expect(recorded.costUsd).toBeCloseTo(expectedCost, 12);
  });
});

describe('a candidate that hangs up early', () => {
  it('is still billed: the proxy reads on until the usage arrives', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    rig = await startRig((req) => ({ kind: 'sse', events: streamEvents(usage, 'long answer', req.body.model), pauseAfter: 2, gate }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const closed = next(rig.proxy, 'client_closed');
    const billed = next<ModelCallRecord>(rig.proxy, 'call');
    const req = request({
      socketPath: rig.socketPath, method: 'POST', path: '/v1/messages',
      headers: { 'content-type': 'application/json', 'x-api-key': token },
    }, (res) => res.once('data', () => req.destroy()));
    req.on('error', () => {});
    req.end(JSON.stringify(body({ stream: true })));
    await closed;
    release();
    const recorded = await billed;
    expect(recorded).toMatchObject({ candidateId: 'c1', clientClosed: true, outputTokens: 345, inputTokens: 1200 });
    expect(recorded.costUsd).toBeCloseTo(expectedCost, 12);
    expect(rig.proxy.spentUsd()).toBeCloseTo(expectedCost, 12);
  });

  it('is still billed when it hangs up before the upstream has answered at all', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    rig = await startRig(async (req) => {
      await gate;
      return { kind: 'sse', events: streamEvents(usage, 'late', req.body.model) };
    });
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const arrived = upstreamReceives(rig);
    const noticed = next(rig.proxy, 'client_closed');
    const billed = next<ModelCallRecord>(rig.proxy, 'call');
    const req = request({
      socketPath: rig.socketPath, method: 'POST', path: '/v1/messages',
      headers: { 'content-type': 'application/json', 'x-api-key': token },
    });
    req.on('error', () => {});
    const gone = new Promise((resolve) => req.on('close', resolve));
    req.end(JSON.stringify(body({ stream: true })));
    await arrived;
    req.destroy();
    await Promise.all([gone, noticed]);
    release();
    expect(await billed).toMatchObject({ clientClosed: true, outputTokens: 345, inputTokens: 1200 });
  });
});

describe('transcripts', () => {
  it('keeps each request and the reassembled answer, with the key and tokens redacted', async () => {
    rig = await startRig((req) => ({
      kind: 'sse',
      events: streamEvents(usage, `I saw ${req.headers['x-api-key']} and sk-ant-admin01-zzzzzzzzzz`, req.body.model),
    }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const prompt = `my token is ${token}, the key might be ${REAL_KEY} or sk-ant-api03-otherkey123`;
    await call(rig.socketPath, {
      body: body({ stream: true, messages: [{ role: 'user', content: prompt }] }), headers: { 'x-api-key': token },
    });
    expect(rig.recorder.transcripts).toHaveLength(1);
    const [t] = rig.recorder.transcripts;
    expect(t).toMatchObject({ runId: 'run-test', candidateId: 'c1' });
    const stored = JSON.stringify(t);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('REALKEY');
    expect(stored).not.toContain('sk-ant-');
    expect((t.request as any).messages[0].content).toBe('my token is [redacted], the key might be [redacted] or [redacted]');
    expect(t.response).toMatchObject({
      type: 'message', role: 'assistant', stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'I saw [redacted] and [redacted]' }],
      usage: { input_tokens: 1200, output_tokens: 345 },
    });
  });

  it('reassembles tool use input from its JSON deltas', async () => {
    const events: [string, unknown][] = [
      ['message_start', { type: 'message_start', message: { ...message(usage, ''), content: [], stop_reason: null } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't1', name: 'bash', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"command": "l' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: 's -la"}' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } }],
      ['message_stop', { type: 'message_stop' }],
    ];
    rig = await startRig(() => ({ kind: 'sse', events }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    await call(rig.socketPath, { body: body({ stream: true }), headers: { 'x-api-key': token } });
    expect(rig.recorder.transcripts[0].response).toMatchObject({
      stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'bash', input: { command: 'ls -la' } }],
    });
    expect(rig.recorder.calls[0]).toMatchObject({ outputTokens: 20, stopReason: 'tool_use' });
  });
});

describe('a failing store', () => {
  it('never breaks the candidate\'s call; the failure is logged', async () => {
    const lines: string[] = [];
    rig = await startRig(answerWith(usage), { log: (line) => lines.push(line) });
    rig.recorder.recordModelCall = () => { throw new Error('database is locked'); };
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const a = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } });
    expect(a.status).toBe(200);
    expect(lines).toContainEqual(expect.stringContaining('recording model_call failed: database is locked'));
    expect(rig.proxy.spentUsd()).toBeCloseTo(expectedCost, 12);
  });
});
