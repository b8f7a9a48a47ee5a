/**
 * The whole path the runner takes, in the tools room's real jail (spawnJailed: bwrap, cgroups, no network, an
 * allowlisted environment): relay as the jail's first process, the proxy's socket bound in, the SDK streaming.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, jailEnv, probeSandbox, spawnJailed, type JailSpec } from '../../src/tools/sandbox/index.ts';
import { answerWith } from './fake-upstream.ts';
import { MODEL, REAL_KEY, startRig, type Rig } from './helpers.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RELAY = path.join(repo, 'src/evolve/jail/relay.mjs');
const CLIENT = path.join(repo, 'test/proxy/fixtures/client.mjs');
const SOCKET_IN_JAIL = '/tmp/evolve/proxy.sock';
const probe = probeSandbox();

let rig: Rig;
let workspace: string;
const keyBefore = process.env.ANTHROPIC_API_KEY;

beforeEach(async () => {
  rig = await startRig(answerWith({ input_tokens: 21, output_tokens: 8 }, 'jailed and metered'));
  workspace = realpathSync(mkdtempSync(path.join(tmpdir(), 'evolve-proxy-ws-')));
});
afterEach(async () => {
  if (keyBefore === undefined) delete process.env.ANTHROPIC_API_KEY;
  else process.env.ANTHROPIC_API_KEY = keyBefore;
  await rig.close();
  rmSync(workspace, { recursive: true, force: true });
});

function jailed(token: string, ...command: string[]) {
  const spec: JailSpec = {
    workspace, cwd: workspace,
    command: [process.execPath, RELAY, '--socket', SOCKET_IN_JAIL, '--port', '0', '--', process.execPath, CLIENT, ...command],
    env: jailEnv({ ANTHROPIC_API_KEY: token, TEST_MODEL: MODEL }),
    readOnly: [repo], writable: [], hide: [],
    binds: [{ src: rig.socketPath, dest: SOCKET_IN_JAIL, readOnly: false }],
    network: 'none', limits: DEFAULT_LIMITS,
  };
  return spawnJailed(spec, { timeoutMs: 60_000 }).done;
}

describe.skipIf(!probe.ok)('proxy and relay in the runner\'s jail', () => {
  it('streams a metered answer to the SDK, with only the candidate token in the jail', async () => {
    process.env.ANTHROPIC_API_KEY = REAL_KEY; // the runner's own environment holds the real key
    const token = rig.proxy.admit('c0ffee01', { budgetUsd: 1 });
    const ran = await jailed(token, 'sdk-stream');
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout.trim()).text).toBe('jailed and metered');
    expect(rig.recorder.calls).toEqual([expect.objectContaining({ candidateId: 'c0ffee01', inputTokens: 21, outputTokens: 8 })]);

    const env = JSON.parse((await jailed(token, 'env')).stdout.trim());
    expect(env.ANTHROPIC_API_KEY).toBe(token);
    expect(env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.stringify(env)).not.toContain('REALKEY');

    const direct = await jailed(token, 'direct', `${rig.upstream.url}/v1/messages`);
    expect(JSON.parse(direct.stdout.trim())).toMatchObject({ reached: false });
    expect(rig.upstream.requests).toHaveLength(1);
  });
});
