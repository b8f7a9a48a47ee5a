import { afterEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import {
  answerForced, apiError, budgetExhausted, countInputTokens, invalidReason, rateLimited, reply, sequence, startStandin, text, toolUse,
  type Standin, type Script,
} from '../../src/standin/index.ts';

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function start(script: Script, extra: { minCacheTokens?: number; apiKey?: string } = {}) {
  standin = await startStandin({ script, ...extra });
  return new Anthropic({ baseURL: standin.url, apiKey: extra.apiKey ?? 'test-key', maxRetries: 2 });
}

const base = { model: 'claude-sonnet-5', max_tokens: 1000 };
const user = (content: string) => ({ role: 'user' as const, content });

describe('stand-in: answers like the Messages API', () => {
  it('answers JSON with usage including the cache fields', async () => {
    const client = await start(() => reply(text('hello')));
    const message = await client.messages.create({ ...base, messages: [user('hi')] });
    expect(message.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.cache_read_input_tokens).toBe(0);
    expect(message.usage.cache_creation_input_tokens).toBe(0);
  });

  it('streams the real event sequence, tool input as input_json_delta', async () => {
    const client = await start(() => reply(text('let me look'), toolUse('bash', { command: 'ls -la /tmp' }, 'toolu_1')));
    const stream = client.messages.stream({ ...base, messages: [user('hi')], tools: [{ type: 'bash_20250124', name: 'bash' }] });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(events[0]).toBe('message_start');
    expect(events.at(-2)).toBe('message_delta');
    expect(events.at(-1)).toBe('message_stop');
    expect(events).toContain('content_block_delta');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[1]).toEqual({ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls -la /tmp' } });
    expect(message.usage.output_tokens).toBeGreaterThan(1);
    const raw = standin!.requests[0].body as { stream: boolean };
    expect(raw.stream).toBe(true);
  });

  it('answers forced tool calls from a table', async () => {
    const client = await start(answerForced({ decide: { goal: 'x' } }, () => reply(text('free'))));
    const tools = [{ name: 'decide', input_schema: { type: 'object' as const, properties: {} } }];
    const forced = await client.messages.create({ ...base, messages: [user('go')], tools, tool_choice: { type: 'tool', name: 'decide' } });
    expect(forced.content[0]).toMatchObject({ type: 'tool_use', name: 'decide', input: { goal: 'x' } });
    const free = await client.messages.create({ ...base, messages: [user('go')], tools });
    expect(free.content[0]).toEqual({ type: 'text', text: 'free' });
  });

  it('counts tokens deterministically', async () => {
    const client = await start(() => reply(text('unused')));
    const a = await client.messages.countTokens({ model: base.model, messages: [user('x'.repeat(400))] });
    const b = await client.messages.countTokens({ model: base.model, messages: [user('x'.repeat(400))] });
    expect(a.input_tokens).toBe(b.input_tokens);
    expect(a.input_tokens).toBeGreaterThanOrEqual(100);
  });

  it('cuts an answer at max_tokens', async () => {
    const client = await start(() => reply(text('word '.repeat(200))));
    const message = await client.messages.create({ ...base, max_tokens: 10, messages: [user('hi')] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBeLessThanOrEqual(10);
  });

  it('checks the key when given one', async () => {
    await start(() => reply(text('x')), { apiKey: 'right' });
    const wrong = new Anthropic({ baseURL: standin!.url, apiKey: 'wrong', maxRetries: 0 });
    await expect(wrong.messages.create({ ...base, messages: [user('hi')] })).rejects.toMatchObject({ status: 401 });
  });
});

describe('stand-in: prompt caching', () => {
  it('reads the prefix an earlier request cached and writes the new part', async () => {
    const client = await start(() => reply(text('ok')), { minCacheTokens: 100 });
    const system = [{ type: 'text' as const, text: 'S'.repeat(2000), cache_control: { type: 'ephemeral' as const } }];
    const first = await client.messages.create({ ...base, system, messages: [user('one')] });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThanOrEqual(500);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    const second = await client.messages.create({ ...base, system, messages: [user('two')] });
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
  });

  it('does not cache below the minimum, and a changed prefix misses', async () => {
    const client = await start(() => reply(text('ok')), { minCacheTokens: 100_000 });
    const system = [{ type: 'text' as const, text: 'S'.repeat(2000), cache_control: { type: 'ephemeral' as const } }];
    await client.messages.create({ ...base, system, messages: [user('one')] });
    const again = await client.messages.create({ ...base, system, messages: [user('one')] });
    expect(again.usage.cache_read_input_tokens).toBe(0);
    expect(again.usage.cache_creation_input_tokens).toBe(0);
  });
});

describe('stand-in: prompt caching details', () => {
  const sys = [{ type: 'text' as const, text: 'S'.repeat(4000), cache_control: { type: 'ephemeral' as const } }];
  const turns = (n: number) => Array.from({ length: n }, (_, i) => ({ role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant', content: `message ${i}` }));
  const mark = <T extends { content: string }>(m: T) => ({ ...m, content: [{ type: 'text' as const, text: m.content, cache_control: { type: 'ephemeral' as const } }] });

  it('a moving breakpoint reads the previous prefix within the 20-block lookback, not beyond', async () => {
    const client = await start(() => reply(text('ok')), { minCacheTokens: 100 });
    const first = turns(3);
    await client.messages.create({ ...base, system: sys, messages: [...first.slice(0, 2), mark(first[2])] });
    const near = turns(5);
    const hit = await client.messages.create({ ...base, system: sys, messages: [...near.slice(0, 4), mark(near[4])] });
    expect(hit.usage.cache_read_input_tokens).toBeGreaterThan(1000);
    expect(hit.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    const far = turns(41);
    const miss = await client.messages.create({ ...base, system: sys, messages: [...far.slice(0, 40), mark(far[40])] });
    // 20+ blocks past the last cached message boundary: only the system prompt is found
    expect(miss.usage.cache_read_input_tokens).toBe(countInputTokens({ ...base, system: sys, messages: [] }));
  });

  it('changing tool_choice invalidates the message blocks but not tools and system', async () => {
    const client = await start(() => reply(toolUse('f', {})), { minCacheTokens: 100 });
    const tools = [{ name: 'f', input_schema: { type: 'object' as const }, cache_control: { type: 'ephemeral' as const } }];
    const messages = [mark({ role: 'user' as const, content: 'M'.repeat(2000) })];
    await client.messages.create({ ...base, system: sys, tools, messages });
    const same = await client.messages.create({ ...base, system: sys, tools, messages });
    const forced = await client.messages.create({ ...base, system: sys, tools, messages, tool_choice: { type: 'tool', name: 'f' } });
    expect(forced.usage.cache_read_input_tokens).toBeLessThan(same.usage.cache_read_input_tokens!);
    expect(forced.usage.cache_read_input_tokens).toBeGreaterThan(1000); // tools + system still cached
    expect(forced.usage.cache_creation_input_tokens).toBeGreaterThan(400);
  });
});

describe('stand-in: stalls and waiting', () => {
  it('holds a request without answering, then drops it; waitForRequests resolves on arrival', async () => {
    const client = await start(() => ({ delayMs: 50 }));
    const arrived = standin!.waitForRequests(1);
    const call = client.withOptions({ maxRetries: 0 }).messages.create({ ...base, messages: [user('hi')] });
    await arrived;
    await expect(call).rejects.toThrow();
    expect(standin!.requests[0].status).toBe(0);
  });
});

describe('stand-in: errors with the real shape', () => {
  it('a 429 with retry-after is retried by the SDK, then succeeds', async () => {
    const client = await start(sequence(rateLimited(5), reply(text('after'))));
    const message = await client.messages.create({ ...base, messages: [user('hi')] });
    expect(message.content[0]).toEqual({ type: 'text', text: 'after' });
    expect(standin!.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(standin!.requests[0].error?.type).toBe('rate_limit_error');
  });

  it('402 billing_error is not retried and has the error JSON shape', async () => {
    const client = await start(() => budgetExhausted());
    const err = await client.messages.create({ ...base, messages: [user('hi')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(402);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect(standin!.requests).toHaveLength(1);
  });

  it('529 and 500 carry overloaded_error and api_error', async () => {
    const client = await start(sequence(apiError(529), apiError(500)));
    const noRetry = client.withOptions({ maxRetries: 0 });
    await expect(noRetry.messages.create({ ...base, messages: [user('a')] })).rejects.toMatchObject({ status: 529, error: { error: { type: 'overloaded_error' } } });
    await expect(noRetry.messages.create({ ...base, messages: [user('b')] })).rejects.toMatchObject({ status: 500, error: { error: { type: 'api_error' } } });
  });

  it('an error event mid-stream reaches the client', async () => {
    const client = await start(() => ({ content: [text('x')], streamError: { type: 'overloaded_error', message: 'Overloaded' } }));
    await expect(client.messages.stream({ ...base, messages: [user('hi')] }).finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('a thrown script is a 500 naming the cause', async () => {
    const client = await start(() => { throw new Error('boom'); });
    await expect(client.withOptions({ maxRetries: 0 }).messages.create({ ...base, messages: [user('hi')] })).rejects.toMatchObject({ status: 500 });
    expect(standin!.requests[0].error?.message).toMatch(/boom/);
  });
});

describe('stand-in: refuses what the real API refuses', () => {
  const ok = { ...base, messages: [user('hi')] };
  const tu = (id: string) => ({ type: 'tool_use', id, name: 'bash', input: { command: 'ls' } });
  const tr = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'out' });
  const cc = { cache_control: { type: 'ephemeral' } };
  const cases: [string, unknown, RegExp][] = [
    ['missing model', { max_tokens: 10, messages: [user('hi')] }, /model: Field required/],
    ['missing max_tokens', { model: 'm', messages: [user('hi')] }, /max_tokens: Field required/],
    ['no messages', { ...base, messages: [] }, /at least one message/],
    ['first message not user', { ...base, messages: [{ role: 'assistant', content: 'x' }, user('y')] }, /first message must use the "user" role/],
    ['roles not alternating', { ...base, messages: [user('a'), user('b')] }, /roles must alternate/],
    ['empty text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, /non-empty/],
    ['tool_use without tool_result after it', {
      ...base, messages: [user('a'), { role: 'assistant', content: [tu('t1')] }, { role: 'user', content: 'no result' }],
    }, /`tool_use` ids were found without `tool_result` blocks immediately after: t1/],
    ['tool_use as the last message', { ...base, messages: [user('a'), { role: 'assistant', content: [tu('t1')] }] }, /without `tool_result`/],
    ['stray tool_result', { ...base, messages: [{ role: 'user', content: [tr('nope')] }] }, /unexpected `tool_use_id`/],
    ['tool_result for another id', {
      ...base, messages: [user('a'), { role: 'assistant', content: [tu('t1')] }, { role: 'user', content: [tr('t1'), tr('t2')] }],
    }, /unexpected `tool_use_id` found in `tool_result` blocks: t2/],
    ['text before tool_result', {
      ...base, messages: [user('a'), { role: 'assistant', content: [tu('t1')] }, { role: 'user', content: [{ type: 'text', text: 'x' }, tr('t1')] }],
    }, /must come before/],
    ['five cache_control blocks', {
      ...base,
      tools: [{ name: 'a', input_schema: { type: 'object' }, ...cc }, { name: 'b', input_schema: { type: 'object' }, ...cc }],
      system: [{ type: 'text', text: 's', ...cc }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x', ...cc }, { type: 'text', text: 'y', ...cc }] }],
    }, /A maximum of 4 blocks with cache_control may be provided. Found 5./],
    ['tool_choice naming an unknown tool', { ...ok, tools: [{ name: 'a', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'b' } }, /not found/],
    ['bash tool with the wrong name', { ...ok, tools: [{ type: 'bash_20250124', name: 'shell' }] }, /Input should be 'bash'/],
    ['duplicate tool names', { ...ok, tools: [{ name: 'a', input_schema: { type: 'object' } }, { name: 'a', input_schema: { type: 'object' } }] }, /unique/],
  ];

  it.each(cases)('%s', async (_name, body, message) => {
    expect(invalidReason(body)).toMatch(message);
    await start(() => reply(text('should not be asked')));
    const res = await fetch(`${standin!.url}/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'k' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(message) } });
  });

  it('accepts a well-formed tool round trip with four breakpoints', () => {
    expect(invalidReason({
      ...base,
      tools: [{ type: 'bash_20250124', name: 'bash', ...cc }],
      system: [{ type: 'text', text: 's', ...cc }],
      messages: [user('a'), { role: 'assistant', content: [{ type: 'text', text: 'x' }, tu('t1')] },
        { role: 'user', content: [{ ...tr('t1'), ...cc }, { type: 'text', text: 'more', ...cc }] }],
    })).toBeNull();
  });

  it('requires anthropic-version', async () => {
    await start(() => reply(text('x')));
    const res = await fetch(`${standin!.url}/v1/messages`, { method: 'POST', body: JSON.stringify(ok) });
    expect(res.status).toBe(400);
  });
});
