/**
 * A candidate opening hundreds of slow uploads at once: each could buffer up to 32 MB in the runner before its
 * reservation is known, so one jail could exhaust the runner's memory. Past a bound, calls are answered 429 at once
 * (nothing of their bodies is read); the calls within the bound, and other candidates, are served as usual.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CALLS_IN_FLIGHT } from '../../src/evolve/proxy/server.ts';
import { answerWith } from './fake-upstream.ts';
import { body, call, startRig, type Rig } from './helpers.ts';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** Starts a call that sends its headers and a little of a 30 MB body, then stalls; resolves with its status if answered. */
function stalledUpload(socketPath: string, token: string) {
  const req = request({ socketPath, method: 'POST', path: '/v1/messages',
    headers: { 'content-type': 'application/json', 'x-api-key': token, 'content-length': String(30 * 1024 * 1024) } });
  const status = new Promise<number>((resolve) => {
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', () => resolve(-1));
  });
  req.write('{"model":"');
  return { status, abort: () => req.destroy() };
}

describe('calls in flight per candidate', () => {
  it('are bounded: the extra ones get 429 at once, other candidates are unaffected', async () => {
    rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }));
    const hog = await rig.proxy.admit('hog', { budgetUsd: 1 });
    const other = await rig.proxy.admit('other', { budgetUsd: 1 });
    const uploads = Array.from({ length: MAX_CALLS_IN_FLIGHT + 5 }, () => stalledUpload(rig!.socketPath, hog));
    const refused = await Promise.all(uploads.slice(MAX_CALLS_IN_FLIGHT).map((u) => u.status));
    expect(refused).toEqual(Array(5).fill(429));
    const answer = await call(rig.socketPath, { body: body(), headers: { 'x-api-key': other } });
    expect(answer.status).toBe(200);
    for (const u of uploads) u.abort();
    // once the stalled ones are gone the hog is served again
    await expect.poll(async () => (await call(rig!.socketPath, { body: body(), headers: { 'x-api-key': hog } })).status).toBe(200);
  });
});
