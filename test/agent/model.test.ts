import { afterEach, describe, expect, it } from 'vitest';
import { ApiFailure, BudgetExhausted, DeadlineReached } from '../../src/agent/outcomes.ts';
import { apiError, budgetExhausted, rateLimited, reply, sequence, startStandin, text, type Script, type Standin } from '../../src/standin/index.ts';
import { collectProgress, modelOn, tinyToolbox } from './helpers.ts';

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function model(script: Script, extra: Parameters<typeof modelOn>[3] = {}) {
  standin = await startStandin({ script, minCacheTokens: 0 });
  const { progress, lines } = collectProgress();
  return { model: modelOn(standin.url, progress, tinyToolbox().toolbox, extra), lines };
}

const hello = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hello' }] }];

describe('the model', () => {
  it('streams, sends the breakpoints, and reports usage with the cache fields', async () => {
    const { model: m, lines } = await model(() => reply(text('hi')));
    const message = await m.call(hello);
    expect(message.content).toEqual([{ type: 'text', text: 'hi' }]);
    const body = standin!.requests[0].body as { stream: boolean; system: unknown[]; tools: { cache_control?: unknown }[] };
    expect(body.stream).toBe(true);
    expect(body.tools.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
    expect(lines).toEqual([{ v: 1, type: 'model_call', usage: expect.objectContaining({ input_tokens: expect.any(Number), cache_creation_input_tokens: expect.any(Number), cache_read_input_tokens: 0 }) }]);
  });

  it('rides out a 429 through the SDK retries', async () => {
    const { model: m } = await model(sequence(rateLimited(5), rateLimited(5), reply(text('after'))), { maxRetries: 3 });
    expect((await m.call(hello)).content[0]).toMatchObject({ text: 'after' });
    expect(standin!.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('turns 402 billing_error into BudgetExhausted, without retrying it', async () => {
    const { model: m } = await model(() => budgetExhausted(), { maxRetries: 3 });
    const err = await m.call(hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExhausted);
    expect((err as Error).message).toMatch(/^budget exhausted/);
    expect(standin!.requests).toHaveLength(1);
  });

  it('turns a persistent 529 into ApiFailure after the retries', async () => {
    const { model: m } = await model(() => apiError(529, 'Overloaded', { retryAfterMs: 5 }), { maxRetries: 2 });
    const err = await m.call(hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect((err as Error).message).toMatch(/529 overloaded_error/);
    expect(standin!.requests).toHaveLength(3);
  });

  it('a hung API ends in ApiFailure (SDK timeout), never a hang', async () => {
    const { model: m } = await model(() => ({ delayMs: 60_000 }), { maxRetries: 1, timeoutMs: 200 });
    const err = await m.call(hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect((err as Error).message).toMatch(/did not answer in time/);
  });

  it('a stream that stalls after it started ends in ApiFailure, never a hang', async () => {
    const { model: m } = await model(() => ({ content: [text('slow')], streamStallMs: 60_000 }), { timeoutMs: 300 });
    const err = await m.call(hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect((err as Error).message).toMatch(/went silent/);
  });

  it('does not start a call past the deadline, and cuts one in flight at the deadline', async () => {
    const past = await model(() => reply(text('x')), { deadline: new Date(Date.now() - 1000) });
    await expect(past.model.call(hello)).rejects.toBeInstanceOf(DeadlineReached);
    expect(standin!.requests).toHaveLength(0);
    await standin!.close();
    const soon = await model(() => ({ delayMs: 60_000 }), { deadline: new Date(Date.now() + 300) });
    await expect(soon.model.call(hello)).rejects.toBeInstanceOf(DeadlineReached);
  });
});
