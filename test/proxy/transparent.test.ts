/**
 * The proxy as a real client (an agent CLI) sees it: its headers and unknown fields go through untouched, its
 * probes are answered as the API answers them, upstream errors reach it as they were, every refusal is recorded,
 * parallel calls wait for each other's reservations instead of failing, and the tools it runs become events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerWith, apiError, message, streamEvents, type Script } from './fake-upstream.ts';
import { body, call, MODEL, openStream, startRig, type Rig } from './helpers.ts';
import { waitFor } from '../wait.ts';

let rig: Rig;
afterEach(async () => rig?.close());

const usage = { input_tokens: 10, output_tokens: 10 };

describe('a real client', () => {
  it('has every anthropic-* header and unknown body fields forwarded untouched', async () => {
    rig = await startRig(answerWith(usage));
    const token = rig.proxy.admit('a', { budgetUsd: 1 });
    const sent = body({ metadata: { user_id: 'u1' }, context_management: { edits: [] }, some_new_field: { x: [1, 2] } });
    const a = await call(rig.socketPath, {
      body: sent,
      headers: { 'x-api-key': token, 'anthropic-dangerous-direct-browser-access': 'true', 'anthropic-some-new-header': 'v2',
        'anthropic-beta': 'claude-code-20250219,context-1m-2025-08-07,interleaved-thinking-2025-05-14' },
    });
    expect(a.status).toBe(200);
    const seen = rig.upstream.requests[0];
    expect(seen.headers['anthropic-dangerous-direct-browser-access']).toBe('true');
    expect(seen.headers['anthropic-some-new-header']).toBe('v2');
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    // Betas that change the price (1M context) stay behind; the others go on.
    expect(seen.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
    expect(seen.headers['x-api-key']).not.toBe(token);
    expect(seen.body).toEqual(sent);
  });

  it('gets HEAD / and unknown paths answered as the API answers them, and upstream errors as they were', async () => {
    const overloaded = apiError(529, 'overloaded_error', 'Overloaded (upstream words)');
    rig = await startRig(() => overloaded, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const token = rig.proxy.admit('a', { budgetUsd: 1 });
    const head = await call(rig.socketPath, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(404);
    expect(head.text).toBe('');
    const models = await call(rig.socketPath, { method: 'GET', path: '/v1/models', headers: { 'x-api-key': token } });
    expect(models.status).toBe(404);
    expect(models.json()).toEqual({ type: 'error', error: { type: 'not_found_error', message: 'Not Found' } });
    const failed = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } });
    expect(failed.status).toBe(529);
    expect(failed.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded (upstream words)' } });
    // The probe of / is no model call; the unknown path is a refused one.
    expect(rig.recorder.events.filter((e) => e.kind === 'model_refused').map((e) => e.data)).toEqual([
      { path: '/v1/models', model: null, status: 404, reason: 'GET /v1/models is not served by the evolve proxy' },
    ]);
  });

  it('gets every event of a stream as it arrives, pings included', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const events = streamEvents(usage);
    rig = await startRig(() => ({ kind: 'sse', events, pauseAfter: 3, gate }));
    const token = rig.proxy.admit('a', { budgetUsd: 1 });
    const stream = openStream(rig.socketPath, token, body({ stream: true }));
    // The first three events (message_start, content_block_start, ping) are through while the upstream still holds the rest.
    await stream.firstBytes;
    release();
    const text = await stream.done;
    expect([...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1])).toEqual(events.map(([name]) => name));
    expect(text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
  });
});

describe('refused calls', () => {
  it('are model_refused events: a model not allowed, a server tool, a body that is not JSON, a budget', async () => {
    rig = await startRig(answerWith(usage));
    const token = rig.proxy.admit('a', { budgetUsd: 0.0001 });
    const auth = { 'x-api-key': token };
    expect((await call(rig.socketPath, { body: body({ model: 'claude-haiku-4-5-20251001' }), headers: auth })).status).toBe(400);
    expect((await call(rig.socketPath, { body: body({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }), headers: auth })).status).toBe(400);
    expect((await call(rig.socketPath, { body: '{not json', headers: auth })).status).toBe(400);
    expect((await call(rig.socketPath, { body: body({ max_tokens: 4000 }), headers: auth })).status).toBe(402);
    const refused = rig.recorder.events.filter((e) => e.kind === 'model_refused');
    expect(refused.map((e) => [e.candidateId, e.data.path, e.data.model, e.data.status])).toEqual([
      ['a', '/v1/messages', 'claude-haiku-4-5-20251001', 400],
      ['a', '/v1/messages', MODEL, 400],
      ['a', '/v1/messages', null, 400],
      ['a', '/v1/messages', MODEL, 402],
    ]);
    expect(refused[0].data.reason).toContain('is not allowed for this run');
    expect(refused[1].data.reason).toContain('web_search_20250305');
    expect(refused[3].data.reason).toContain("candidate's budget is exhausted");
    expect(rig.upstream.requests).toHaveLength(0);
  });
});

describe('parallel calls of one candidate', () => {
  it('wait for each other\'s reservations to settle instead of a false 402, and the cap still holds', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    // Each call reserves its worst case (~$0.0102: 2,100 prompt tokens by its bytes, 600 out) and costs $0.00012.
    const script: Script = async (req) => {
      if (rig.upstream.requests.length === 1) await gate;
      return { kind: 'json', body: message(usage, 'ok', req.body.model) };
    };
    rig = await startRig(script);
    const token = rig.proxy.admit('a', { budgetUsd: 0.015 });
    const first = call(rig.socketPath, { body: body({ max_tokens: 600 }), headers: { 'x-api-key': token } });
    await waitFor(() => rig.upstream.requests.length === 1, 'the first call upstream', 10_000);
    const second = call(rig.socketPath, { body: body({ max_tokens: 600 }), headers: { 'x-api-key': token } });
    await waitFor(() => rig.proxy.waiting() === 1, 'the second call waiting', 10_000);
    expect(rig.upstream.requests).toHaveLength(1);
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(rig.recorder.events.filter((e) => e.kind === 'budget_exhausted' || e.kind === 'model_refused')).toEqual([]);
    expect(rig.recorder.calls[1].waitedMs).toBeGreaterThanOrEqual(0);
    // A call that could not fit even with nothing in flight is refused at once.
    const big = await call(rig.socketPath, { body: body({ max_tokens: 4000 }), headers: { 'x-api-key': token } });
    expect(big.status).toBe(402);
    expect(rig.recorder.spent('a')).toBeLessThanOrEqual(0.015);
  });

  it('ends a waiting call without a budget refusal when its candidate is dismissed meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    rig = await startRig(async (req) => {
      if (rig.upstream.requests.length === 1) await gate;
      return { kind: 'json', body: message(usage, 'ok', req.body.model) };
    });
    const token = rig.proxy.admit('a', { budgetUsd: 0.015 });
    const first = call(rig.socketPath, { body: body({ max_tokens: 600 }), headers: { 'x-api-key': token } });
    await waitFor(() => rig.upstream.requests.length === 1, 'the first call upstream', 10_000);
    const second = call(rig.socketPath, { body: body({ max_tokens: 600 }), headers: { 'x-api-key': token } });
    await waitFor(() => rig.proxy.waiting() === 1, 'the second call waiting', 10_000);
    rig.proxy.dismiss('a');
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(401);
    expect(rig.recorder.events.map((e) => [e.kind, e.data.status])).toEqual([['model_refused', 401]]);
  });
});

describe('tool calls seen in the traffic', () => {
  it('become tool_call events (source proxy) with ok from is_error, and sandbox_denied for a jail refusal', async () => {
    const toolAnswer = {
      ...message(usage), stop_reason: 'tool_use',
      content: [
        { type: 'tool_use', id: 'toolu_1', name: 'Write', input: { file_path: '/w/a.txt', content: 'x' } },
        { type: 'tool_use', id: 'toolu_2', name: 'Bash', input: { command: 'touch /etc/x' } },
      ],
    };
    rig = await startRig((req) => (req.n === 1 ? { kind: 'json', body: toolAnswer } : { kind: 'json', body: message(usage) }));
    const token = rig.proxy.admit('a', { budgetUsd: 1 });
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } })).status).toBe(200);
    const next = body({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: toolAnswer.content },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'File created successfully' },
          { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: "touch: cannot touch '/etc/x': Read-only file system" }] },
        ] },
      ],
    });
    expect((await call(rig.socketPath, { body: next, headers: { 'x-api-key': token } })).status).toBe(200);
    // The same results sent again (the next turn carries the whole conversation) are not counted twice.
    expect((await call(rig.socketPath, { body: next, headers: { 'x-api-key': token } })).status).toBe(200);
    const seen = rig.recorder.events.filter((e) => e.kind === 'tool_call' || e.kind === 'sandbox_denied');
    expect(seen.map((e) => [e.kind, e.data.tool, e.data.ok ?? null, e.data.summary ?? e.data.what, e.data.source])).toEqual([
      ['tool_call', 'Write', true, '/w/a.txt', 'proxy'],
      ['tool_call', 'Bash', false, 'touch /etc/x', 'proxy'],
      ['sandbox_denied', 'Bash', null, 'write to a read-only file system', 'proxy'],
    ]);
    expect(typeof seen[0].data.ms).toBe('number');
  });
});
