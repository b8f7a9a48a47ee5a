/**
 * Requests sized to hurt the run or the runner, against the proxy alone: max_tokens past the model's ceiling, a call
 * larger than any cap, an output reservation that alone cannot fit, a body declared too large, a transcript that
 * would fill lineage.db. (The same through the real CLI and jail: test/evolve/trust-boundary.test.ts.)
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/evolve/proxy/intake.ts';
import { DEFAULT_MAX_OUTPUT_TOKENS } from '../../src/evolve/proxy/prices.ts';
import { capTranscript, MAX_STRING_CHARS } from '../../src/evolve/proxy/transcript.ts';
import type { BudgetExhausted } from '../../src/evolve/proxy/types.ts';
import { answerWith } from './fake-upstream.ts';
import { body, call, startRig, type Rig } from './helpers.ts';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('the proxy against absurd requests', () => {
  it("refuses max_tokens past the model's output ceiling with a 400, before any budget or upstream", async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const answer = await call(rig.socketPath, { body: body({ max_tokens: 1e12 }), headers: { 'x-api-key': token } });
    expect(answer.status).toBe(400);
    expect(answer.json().error.message).toMatch(new RegExp(`max_tokens: 1000000000000 > ${DEFAULT_MAX_OUTPUT_TOKENS}`));
    expect(rig.upstream.requests).toHaveLength(0);
    expect(rig.upstream.counted).toHaveLength(0);
    expect(rig.proxy.runBudgetExhausted()).toBe(false);
  });

  it('scopes a call larger than the whole run budget to the candidate, and skips count_tokens when the output alone cannot fit', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }), { runBudgetUsd: 0.5 });
    const exhausted: BudgetExhausted[] = [];
    rig.proxy.on('budget_exhausted', (e: BudgetExhausted) => exhausted.push(e));
    const token = rig.proxy.admit('c1', { budgetUsd: Infinity });
    // A prompt whose bytes alone are worth more than the run's whole $0.50, with a modest max_tokens.
    const big = body({ max_tokens: 100, messages: [{ role: 'user', content: 'x'.repeat(400_000) }] });
    rig.upstream.countTokens = () => 2_000_000; // the API's count agrees: it could never fit
    expect((await call(rig.socketPath, { body: big, headers: { 'x-api-key': token } })).status).toBe(402);
    expect(exhausted.at(-1)?.scope).toBe('candidate');
    expect(rig.proxy.runBudgetExhausted()).toBe(false);
    // The whole output at the ceiling costs more than the run could pay: refused with no count_tokens call.
    const counted = rig.upstream.counted.length;
    const wide = body({ max_tokens: DEFAULT_MAX_OUTPUT_TOKENS });
    const other = rig.proxy.admit('c2', { budgetUsd: 0.1 });
    expect((await call(rig.socketPath, { body: wide, headers: { 'x-api-key': other } })).status).toBe(402);
    expect(rig.upstream.counted).toHaveLength(counted);
    expect(rig.upstream.requests).toHaveLength(0);
  });

  it('answers a body declared past the limit at once, without reading it, and closes the connection', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }));
    const token = rig.proxy.admit('c1', { budgetUsd: 1 });
    const status = await new Promise<number>((resolve) => {
      const req = request({ socketPath: rig!.socketPath, method: 'POST', path: '/v1/messages',
        headers: { 'content-type': 'application/json', 'x-api-key': token, 'content-length': String(MAX_BODY_BYTES + 1) } });
      req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', () => resolve(-1));
      req.flushHeaders(); // headers only: a proxy that waited for the body would never answer
    });
    expect(status).toBe(413);
    const fine = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } });
    expect(fine.status).toBe(200);
  });

  it('stores a bounded transcript: base64 payloads by their size, long strings by head and tail', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }));
    const token = rig.proxy.admit('c1', { budgetUsd: 5 });
    const payload = body({ messages: [{ role: 'user', content: [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(200_000) } },
      { type: 'text', text: 'y'.repeat(300_000) },
    ] }] });
    expect((await call(rig.socketPath, { body: payload, headers: { 'x-api-key': token } })).status).toBe(200);
    const stored = JSON.stringify(rig.recorder.transcripts.at(-1)!.request);
    expect(stored.length).toBeLessThan(MAX_STRING_CHARS + 2_000);
    expect(stored).toContain('[base64 payload of 200000 characters, not stored]');
    expect(stored).toContain(`[… ${300_000 - MAX_STRING_CHARS} characters not stored …]`);
    // and past the call's total, whole strings become a note
    const many = capTranscript({ parts: Array.from({ length: 40 }, () => 'z'.repeat(50_000)) }) as { parts: string[] };
    expect(many.parts.at(-1)).toMatch(/not stored: the call's transcript is over its cap/);
  });
});
