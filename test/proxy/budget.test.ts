/** Hard caps: nothing recorded ever passes a budget, however many calls run at once. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetExhausted } from '../../src/evolve/proxy/types.ts';
import { answerWith, message, type Script } from './fake-upstream.ts';
import { body, call, MODEL, startRig, type Rig } from './helpers.ts';
import { waitFor } from '../wait.ts';

let rig: Rig;
afterEach(async () => rig?.close());

const here = dirname(fileURLToPath(import.meta.url));

/** Bills every call at its worst case: the whole body as input tokens plus the overhead, max_tokens of output. */
const worstCaseAnswer = (gate?: Promise<void>): Script => async (req) => {
  if (gate) await gate;
  const bytes = Buffer.byteLength(JSON.stringify(req.body));
  return { kind: 'json', body: message({ input_tokens: bytes + 2000, output_tokens: req.body.max_tokens }) };
};

describe('run budget', () => {
  it('is never passed by many parallel calls from several candidates', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    rig = await startRig(worstCaseAnswer(gate), { runBudgetUsd: 0.05 });
    const tokens = ['a', 'b', 'c', 'd', 'e'].map((id) => rig.proxy.admit(id, { budgetUsd: 1 }));
    const exhausted: BudgetExhausted[] = [];
    rig.proxy.on('budget_exhausted', (info: BudgetExhausted) => exhausted.push(info));

    const calls = Promise.all(Array.from({ length: 30 }, (_, i) =>
      call(rig.socketPath, { body: body(), headers: { 'x-api-key': tokens[i % tokens.length] } })));
    // The upstream holds every answer until each call was forwarded, refused, or waits for the held ones to settle.
    await waitFor(() => rig.upstream.requests.length + exhausted.length + rig.proxy.waiting() === 30, 'every call placed', 30_000);
    expect(rig.proxy.waiting()).toBeGreaterThan(0);
    release();
    const first = await calls;
    expect(rig.upstream.maxActive).toBeGreaterThanOrEqual(3);
    expect(first.filter((a) => a.status === 402).length).toBe(exhausted.length);
    expect(exhausted.every((e) => e.scope === 'run')).toBe(true);

    // Then one at a time until the money is gone.
    for (let i = 0; i < 20; i++) await call(rig.socketPath, { body: body(), headers: { 'x-api-key': tokens[0] } });
    const recorded = rig.recorder.spent();
    expect(recorded).toBeLessThanOrEqual(0.05);
    expect(recorded).toBeGreaterThan(0.04);
    expect(rig.proxy.spentUsd()).toBeCloseTo(recorded, 9);
    expect(rig.proxy.runBudgetExhausted()).toBe(true);
    // Every call was either forwarded and billed, or refused and recorded as such.
    const refusedEvents = rig.recorder.events.filter((e) => e.kind === 'budget_exhausted').length;
    expect(rig.recorder.events.filter((e) => e.kind === 'model_refused').length).toBe(refusedEvents);
    expect(rig.recorder.calls.length + refusedEvents).toBe(50);
  });

  it('starts from the spend a resumed run already recorded', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }), { runBudgetUsd: 10, alreadySpentUsd: 9.9999 });
    const token = rig.proxy.admit('a', { budgetUsd: 5 });
    expect(rig.proxy.runBudgetExhausted()).toBe(false);
    const refused = next402(rig);
    const a = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } });
    expect(a.status).toBe(402);
    expect((await refused).scope).toBe('run');
    expect(rig.proxy.runBudgetExhausted()).toBe(true);
    expect(rig.upstream.requests).toHaveLength(0);
  });

  it('caps tokens as well as dollars when asked', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }), { runMaxTokens: 3000 });
    const token = rig.proxy.admit('a', { budgetUsd: 5 });
    const a = await call(rig.socketPath, { body: body({ max_tokens: 2000 }), headers: { 'x-api-key': token } });
    expect(a.status).toBe(402);
    expect(a.json().error.message).toContain('tokens');
  });
});

function next402(r: Rig): Promise<BudgetExhausted> {
  return new Promise((resolve) => r.proxy.once('budget_exhausted', resolve));
}

describe('candidate budget', () => {
  it('answers 402 billing_error, which the SDK does not retry, and leaves the run going', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }));
    const poor = rig.proxy.admit('poor', { budgetUsd: 0.001 });
    const refusals: BudgetExhausted[] = [];
    rig.proxy.on('budget_exhausted', (info: BudgetExhausted) => refusals.push(info));
    const relay = join(here, '../../src/evolve/jail/relay.mjs');
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [relay, '--socket', rig.socketPath, '--port', '0', '--',
        process.execPath, join(here, 'fixtures/client.mjs'), 'sdk-402'], {
        env: { ...process.env, ANTHROPIC_API_KEY: poor }, stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (d) => { text += d; });
      child.on('close', () => resolve(text));
    });
    expect(JSON.parse(out)).toMatchObject({ status: 402, type: 'billing_error' });
    expect(refusals).toEqual([expect.objectContaining({ scope: 'candidate', candidateId: 'poor' })]);
    expect(rig.recorder.events).toEqual([expect.objectContaining({
      kind: 'model_refused', candidateId: 'poor', data: expect.objectContaining({ path: '/v1/messages', model: MODEL, status: 402 }),
    }), expect.objectContaining({
      kind: 'budget_exhausted', candidateId: 'poor', data: expect.objectContaining({ scope: 'candidate', model: MODEL }),
    })]);
    expect(rig.upstream.requests).toHaveLength(0);
    expect(rig.proxy.runBudgetExhausted()).toBe(false);
    const rich = rig.proxy.admit('rich', { budgetUsd: 1 });
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': rich } })).status).toBe(200);
  });

  it('counts what a resumed candidate already spent', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }));
    const token = rig.proxy.admit('a', { budgetUsd: 1, spentUsd: 0.9999 });
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } })).status).toBe(402);
    expect(rig.proxy.candidateSpentUsd('a')).toBeCloseTo(0.9999, 9);
  });
});

describe('sizing a prompt near the cap', () => {
  const big = () => body({ stream: true, temperature: 0.5, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] });

  it('asks count_tokens when the byte bound does not fit, and forwards when the real size does', async () => {
    rig = await startRig(answerWith({ input_tokens: 5000, output_tokens: 100 }));
    rig.upstream.countTokens = () => 5000;
    const token = rig.proxy.admit('a', { budgetUsd: 0.03 });
    const a = await call(rig.socketPath, { body: big(), headers: { 'x-api-key': token } });
    expect(a.status).toBe(200);
    expect(rig.upstream.counted).toHaveLength(1);
    expect(Object.keys(rig.upstream.counted[0].body).sort()).toEqual(['messages', 'model']);
    expect(rig.recorder.spent()).toBeLessThanOrEqual(0.03);
  });

  it('still refuses when the counted prompt does not fit either, or when it cannot be counted', async () => {
    rig = await startRig(answerWith({ input_tokens: 5000, output_tokens: 100 }));
    rig.upstream.countTokens = () => 20_000;
    const token = rig.proxy.admit('a', { budgetUsd: 0.03 });
    expect((await call(rig.socketPath, { body: big(), headers: { 'x-api-key': token } })).status).toBe(402);
    rig.upstream.countTokens = () => null;
    expect((await call(rig.socketPath, { body: big(), headers: { 'x-api-key': token } })).status).toBe(402);
    expect(rig.upstream.requests).toHaveLength(0);
    expect(rig.recorder.events.filter((e) => e.kind === 'budget_exhausted').map((e) => e.data.sized_by)).toEqual(['count_tokens', 'bytes']);
  });
});
