/**
 * A candidate that changes the lockfile gets `npm ci` in a jail WITH network (to reach the registry). Its own
 * package.json lifecycle scripts (preinstall, install, postinstall, prepare) must not run there: that would be
 * candidate code with the host's network — the host loopback, cloud metadata, the internet.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, tempDir } from './helpers.ts';
import { passingPlan } from './toy.ts';
import { makeHostileRepo, hostileScript } from './hostile-toy.ts';

const REAL_KEY = 'sk-ant-qa-deps-real-key-99999999999';
let standin: Standin | null = null;
let server: Server | null = null;
afterAll(async () => {
  await standin?.close();
  await new Promise((r) => server?.close(r));
});

describe('dependency install for a changed lockfile', () => {
  it("runs none of the candidate's own lifecycle scripts with network", async () => {
    const hits: string[] = [];
    server = createServer((req, res) => { hits.push(req.url ?? ''); res.end('ok'); });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const lock = (version: string) => JSON.stringify({ name: 'toy', version, lockfileVersion: 3, requires: true, packages: { '': { name: 'toy', version } } }, null, 2) + '\n';
    const manifest = (version: string, scripts: Record<string, string> = {}) => JSON.stringify({ name: 'toy', version, type: 'module',
      scripts: { test: 'node run-tests.mjs', ...scripts }, evolve: { agent: 'node agent.mjs' } }, null, 2) + '\n';
    const call = (what: string) => `node -e "require('http').get('http://127.0.0.1:${port}/${what}').on('error', () => {})"`;
    const repo = makeHostileRepo({ 'package.json': manifest('1.0.0'), 'package-lock.json': lock('1.0.0') });
    const plan = { ...passingPlan(1), files: { ...passingPlan(1).files,
      'package.json': manifest('1.1.0', { preinstall: call('preinstall'), postinstall: call('postinstall'), prepare: call('prepare') }),
      'package-lock.json': lock('1.1.0') } };
    standin = await startStandin({ script: hostileScript(() => plan), apiKey: REAL_KEY });
    const db = path.join(tempDir(), 'lineage.db');
    const run = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db],
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const installed = sql.prepare("SELECT data_json FROM events WHERE kind = 'deps_installed'").all() as { data_json: string }[];
    const child = sql.prepare('SELECT status, error FROM candidates WHERE generation = 1').get() as { status: string; error: string | null };
    sql.close();
    expect(installed).toHaveLength(1);
    expect(JSON.parse(installed[0].data_json)).toMatchObject({ ok: true });
    expect(child.status, child.error ?? '').toBe('passed');
    expect(hits).toEqual([]);
  });
});
