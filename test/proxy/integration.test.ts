/**
 * The proxy with the real pieces around it: the lineage store as recorder and the stand-in Messages API as
 * upstream (which checks the key and the model like the real API), reached by the SDK through the relay.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type LineageStore } from '../../src/lineage/store.ts';
import { resolvePrices } from '../../src/evolve/proxy/prices.ts';
import { startProxy, type Proxy } from '../../src/evolve/proxy/index.ts';
import type { ModelCallRecord } from '../../src/evolve/proxy/types.ts';
import { overloaded, reply, startStandin, text, type Standin } from '../../src/standin/index.ts';
import { body, call, MODEL, REAL_KEY } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const RUN = '20261125-200000-abcd';
const CANDIDATE = 'c0ffee01';

let dir: string;
let store: LineageStore;
let standin: Standin;
let proxy: Proxy;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evolve-proxy-int-'));
  store = openStore(join(dir, 'lineage.db'));
  store.createRun({ id: RUN, target: dir, config: { prices: resolvePrices() } });
  store.addCandidate({ id: CANDIDATE, runId: RUN, generation: 1, parentId: null, branch: null, baseCommit: null });
  // Every third request is overloaded: the proxy retries it, the candidate never notices.
  standin = await startStandin({
    apiKey: REAL_KEY, models: [MODEL],
    script: (_req, ctx) => (ctx.index % 3 === 2 ? overloaded() : reply(text(`answer ${ctx.index}`))),
  });
  proxy = await startProxy({
    socketPath: join(dir, 'proxy.sock'), upstream: { baseUrl: standin.url, apiKey: REAL_KEY }, models: [MODEL],
    prices: resolvePrices(), runId: RUN, runBudgetUsd: 10, recorder: store,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  });
});

afterEach(async () => {
  await proxy.close({ graceMs: 1000 });
  await standin.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function runSdkThroughRelay(token: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, '../../src/evolve/jail/relay.mjs'), '--socket', proxy.socketPath,
      '--port', '0', '--', process.execPath, join(here, 'fixtures/client.mjs'), 'sdk-stream'], {
      env: { ...process.env, ANTHROPIC_API_KEY: token, TEST_MODEL: MODEL }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('close', () => resolve(out));
  });
}

describe('proxy + lineage store + stand-in', () => {
  it('records every call, retry and transcript in lineage.db, totals matching the proxy', async () => {
    const token = proxy.admit(CANDIDATE, { budgetUsd: 1 });
    const calls: ModelCallRecord[] = [];
    proxy.on('call', (c: ModelCallRecord) => calls.push(c));

    const streamed = JSON.parse(await runSdkThroughRelay(token));
    expect(streamed.text).toBe('answer 0');
    for (let i = 0; i < 3; i++) {
      const a = await call(proxy.socketPath, { body: body({ stream: i === 1 }), headers: { 'x-api-key': token } });
      expect(a.status).toBe(200);
    }

    const row = store.getCandidate(CANDIDATE)!;
    expect(row.model_calls).toBe(4);
    expect(row.input_tokens).toBe(calls.reduce((s, c) => s + c.inputTokens, 0));
    expect(row.output_tokens).toBe(calls.reduce((s, c) => s + c.outputTokens, 0));
    expect(row.input_tokens).toBeGreaterThan(0);
    expect(row.cost_usd).toBeCloseTo(proxy.spentUsd(), 12);

    const events = store.events(CANDIDATE);
    const modelCalls = events.filter((e) => e.kind === 'model_call').map((e) => JSON.parse(e.data_json));
    expect(modelCalls).toHaveLength(4);
    expect(modelCalls[0]).toMatchObject({ model: MODEL, status: 200, stream: true, attempts: 1 });
    expect(modelCalls[0]).toHaveProperty('cost_usd');
    const retries = events.filter((e) => e.kind === 'model_retry').map((e) => JSON.parse(e.data_json));
    expect(retries).toEqual([expect.objectContaining({ status: 529, attempt: 1 })]);

    const transcripts = store.transcripts(CANDIDATE);
    expect(transcripts).toHaveLength(4);
    expect(transcripts[0].response).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'answer 0' }] });
    expect(JSON.stringify(transcripts)).not.toContain(token);
    for (const r of standin.requests) expect(r.headers['x-api-key']).toBe(REAL_KEY);
  });

  it('stores a refused call as a budget_exhausted event', async () => {
    const token = proxy.admit(CANDIDATE, { budgetUsd: 0.0001 });
    expect((await call(proxy.socketPath, { body: body(), headers: { 'x-api-key': token } })).status).toBe(402);
    const [event] = store.events(CANDIDATE).filter((e) => e.kind === 'budget_exhausted');
    expect(JSON.parse(event.data_json)).toMatchObject({ scope: 'candidate', unit: 'usd', model: MODEL });
    expect(standin.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(0);
  });
});
