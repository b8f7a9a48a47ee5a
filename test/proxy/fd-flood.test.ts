/**
 * A candidate that opens thousands of connections to the proxy socket bound into its jail, with the runner held to
 * 1,024 open files (as a login shell often leaves it): each connection was a descriptor of the runner's, and its next
 * spawn (the disk watch's `du`) failed with EMFILE, crashing the run. Now the candidate's own socket takes a bounded
 * number of connections: the flood is that candidate's problem, and the run ends done with the honest one passed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { passingPlan } from '../evolve/toy.ts';
import { ROOT, tempDir } from '../evolve/helpers.ts';
import { makeHostileRepo, hostileScript, type HostilePlan } from '../evolve/hostile-toy.ts';

const REAL_KEY = 'sk-ant-qa-fd-flood-real-key-2718281828';
/** Finds the proxy socket the relay was given (its command line), opens 3,000 connections, holds them 5 s. */
const FLOOD = `const fs = await import('node:fs'); const net = await import('node:net');
let socket = null;
for (const pid of fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  try { const argv = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0'); const i = argv.indexOf('--socket'); if (i >= 0) socket = argv[i + 1]; } catch {}
}
let open = 0; const held = [];
for (let i = 0; i < 3000; i++) { const s = net.connect({ path: socket }); s.on('connect', () => open++); s.on('error', () => {}); held.push(s); }
await new Promise((r) => setTimeout(r, 5000));
fs.writeFileSync('flood.json', JSON.stringify({ socket, open }));
for (const s of held) s.destroy();`;

const plans: HostilePlan[] = [
  { ...passingPlan(1), goal: 'connection flood', js: FLOOD },
  { ...passingPlan(2), goal: 'honest' },
];

let standin: Standin;
let run: { code: number | null; stderr: string };
let rows: { goal: string | null; status: string; error: string | null }[] = [];

beforeAll(async () => {
  standin = await startStandin({ script: hostileScript((i) => plans[i] ?? passingPlan(10 + i)), apiKey: REAL_KEY });
  const repo = makeHostileRepo();
  const db = path.join(tempDir(), 'lineage.db');
  const args = ['--population', '2', '--generations', '1', '--survivors', '2', '--concurrency', '1', '--candidate-timeout', '40',
    '--no-tui', '--target', repo, '--db', db];
  run = await new Promise((resolve) => {
    // The runner's own open-files limit: 1,024, soft and hard (Node cannot raise it past the hard one).
    const child = spawn('bash', ['-c', 'ulimit -n 1024 && exec "$@"', 'evolve', process.execPath, path.join(ROOT, 'bin', 'evolve.mjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const sql = new Database(db, { readonly: true });
  rows = sql.prepare('SELECT goal, status, error FROM candidates WHERE generation = 1 ORDER BY started_at').all() as typeof rows;
  sql.close();
}, 200_000);
afterAll(async () => {
  await standin?.close();
});

describe('a connection flood from a jail', () => {
  it('fails (at most) that candidate, never the runner: the run ends done, the honest candidate passes', () => {
    expect(run.stderr).not.toMatch(/EMFILE|Unhandled/);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ goal: 'honest', status: 'passed' });
  });
});
