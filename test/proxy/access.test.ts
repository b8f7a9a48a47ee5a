/** Who and what gets through the proxy: tokens, paths, methods, models, body shape, server-side features. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerWith } from './fake-upstream.ts';
import { body, call, MODEL, startRig, type Rig } from './helpers.ts';

let rig: Rig;
let token: string;
const usage = { input_tokens: 10, output_tokens: 5 };

beforeEach(async () => {
  rig = await startRig(answerWith(usage));
  token = rig.proxy.admit('cand0001', { budgetUsd: 1 });
});
afterEach(async () => rig.close());

const expectError = (a: { status: number; json(): any }, status: number, type: string) => {
  expect(a.status).toBe(status);
  expect(a.json()).toMatchObject({ type: 'error', error: { type } });
};

describe('tokens', () => {
  it('serves a call with the candidate token, as x-api-key or as a bearer token', async () => {
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } })).status).toBe(200);
    expect((await call(rig.socketPath, { body: body(), headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(rig.upstream.requests).toHaveLength(2);
  });

  it('refuses a missing, unknown, dismissed or other run\'s token with 401 authentication_error', async () => {
    expectError(await call(rig.socketPath, { body: body() }), 401, 'authentication_error');
    expectError(await call(rig.socketPath, { body: body(), headers: { 'x-api-key': 'evolve-guess' } }), 401, 'authentication_error');
    rig.proxy.dismiss('cand0001');
    expectError(await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } }), 401, 'authentication_error');
    expect(rig.upstream.requests).toHaveLength(0);
  });

  it('knows whose call it is: each token bills its own candidate', async () => {
    const other = rig.proxy.admit('cand0002', { budgetUsd: 1 });
    await call(rig.socketPath, { body: body(), headers: { 'x-api-key': other } });
    expect(rig.recorder.calls.map((c) => c.candidateId)).toEqual(['cand0002']);
    expect(rig.proxy.candidateSpentUsd('cand0001')).toBe(0);
  });

  it('re-admitting a candidate revokes its old token', async () => {
    const fresh = rig.proxy.admit('cand0001', { budgetUsd: 1 });
    expectError(await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token } }), 401, 'authentication_error');
    expect((await call(rig.socketPath, { body: body(), headers: { 'x-api-key': fresh } })).status).toBe(200);
  });

  it('lets only its owner (the runner\'s user, whom the jails run as) connect to the socket', () => {
    expect(statSync(rig.socketPath).mode & 0o777).toBe(0o600);
  });
});

describe('paths and bodies', () => {
  const auth = () => ({ 'x-api-key': token });

  it('serves only POST /v1/messages and /v1/messages/count_tokens', async () => {
    expectError(await call(rig.socketPath, { path: '/v1/models', method: 'GET', headers: auth() }), 404, 'not_found_error');
    expectError(await call(rig.socketPath, { path: '/v1/messages/batches', body: body(), headers: auth() }), 404, 'not_found_error');
    expectError(await call(rig.socketPath, { path: '/v1/files', body: body(), headers: auth() }), 404, 'not_found_error');
    expect((await call(rig.socketPath, { method: 'GET', headers: auth() })).status).toBe(405);
    rig.upstream.countTokens = () => 7;
    const counted = await call(rig.socketPath, { path: '/v1/messages/count_tokens', body: { model: MODEL, messages: body().messages }, headers: auth() });
    expect(counted.json()).toEqual({ input_tokens: 7 });
    expect(rig.upstream.counted.map((r) => r.headers['x-api-key'])).toEqual(['sk-ant-api03-REALKEY-never-in-a-jail-0123456789']);
    expect(rig.recorder.calls).toHaveLength(0);
  });

  it('refuses a body over the API\'s 32 MB limit with 413 request_too_large', async () => {
    const huge = body({ messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }] });
    expectError(await call(rig.socketPath, { body: huge, headers: auth() }), 413, 'request_too_large');
    expect(rig.upstream.requests).toHaveLength(0);
  });

  it('refuses a model not allowed for the run with 400 invalid_request_error', async () => {
    const a = await call(rig.socketPath, { body: body({ model: 'claude-opus-5-5' }), headers: auth() });
    expectError(a, 400, 'invalid_request_error');
    expect(a.json().error.message).toContain('claude-opus-5-5');
    expect(rig.upstream.requests).toHaveLength(0);
  });

  it('refuses bodies that are not JSON or lack what it needs', async () => {
    expectError(await call(rig.socketPath, { body: '{not json', headers: auth() }), 400, 'invalid_request_error');
    expectError(await call(rig.socketPath, { body: { model: MODEL, messages: [] }, headers: auth() }), 400, 'invalid_request_error');
    expectError(await call(rig.socketPath, { body: body({ max_tokens: -1 }), headers: auth() }), 400, 'invalid_request_error');
  });

  it('refuses features that would reach the network or bill outside the price table', async () => {
    const refused = [
      body({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
      body({ tools: [{ type: 'web_fetch_20250910', name: 'web_fetch' }] }),
      body({ mcp_servers: [{ type: 'url', url: 'https://example.com/mcp', name: 'x' }] }),
      body({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/?leak' } }] }] }),
      body({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'file', file_id: 'file_1' } }] }] }),
      body({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } }] }] }),
    ];
    for (const b of refused) expectError(await call(rig.socketPath, { body: b, headers: auth() }), 400, 'invalid_request_error');
    expect(rig.upstream.requests).toHaveLength(0);
    const allowed = body({ tools: [{ name: 'run', input_schema: { type: 'object' } }, { type: 'bash_20250124', name: 'bash' }] });
    expect((await call(rig.socketPath, { body: allowed, headers: auth() })).status).toBe(200);
  });
});

describe('the key', () => {
  it('reaches only the upstream; the candidate never sees it, and its token never leaves', async () => {
    rig.upstream.script = (req) => (req.n === 1
      ? { kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `bad key ${req.headers['x-api-key']}` } },
          headers: { 'x-echo': String(req.headers['x-api-key']), 'request-id': `req ${req.headers['x-api-key']}` } }
      : answerWith(usage)(req));
    const answers = [
      await call(rig.socketPath, { body: body(), headers: { 'x-api-key': token, authorization: `Bearer ${token}` } }),
      await call(rig.socketPath, { body: body({ stream: true }), headers: { 'x-api-key': token } }),
    ];
    for (const seen of rig.upstream.requests) {
      expect(seen.headers['x-api-key']).toBe('sk-ant-api03-REALKEY-never-in-a-jail-0123456789');
      expect(seen.headers.authorization).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(token);
    }
    for (const a of answers) {
      expect(a.text + JSON.stringify(a.headers)).not.toContain('REALKEY');
    }
    expect(answers[0].headers['x-echo']).toBeUndefined();
  });
});

describe('a socket of its own', () => {
  it('accepts only its candidate\'s token, and goes away when the candidate is dismissed', async () => {
    const other = rig.proxy.admit('cand0002', { budgetUsd: 1 });
    const own = join(rig.dir, 'cand0001.sock');
    await rig.proxy.openSocket('cand0001', own);
    expect(statSync(own).mode & 0o777).toBe(0o600);
    expect((await call(own, { body: body(), headers: { 'x-api-key': token } })).status).toBe(200);
    const a = await call(own, { body: body(), headers: { 'x-api-key': other } });
    expectError(a, 401, 'authentication_error');
    expect(a.json().error.message).toContain('another candidate');
    expect(rig.recorder.calls.map((c) => c.candidateId)).toEqual(['cand0001']);
    rig.proxy.dismiss('cand0001');
    const fresh = rig.proxy.admit('cand0001', { budgetUsd: 1 });
    await rig.proxy.openSocket('cand0001', own);
    expect((await call(own, { body: body(), headers: { 'x-api-key': fresh } })).status).toBe(200);
    rig.proxy.dismiss('cand0001');
    await rig.proxy.close({ graceMs: 1000 });
    expect(existsSync(own)).toBe(false);
  });
});
