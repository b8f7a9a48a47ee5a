/**
 * Contract 6 end to end, on one machine: a real redis-server (its own loopback port, no persistence), three
 * `evolve worker` processes with no API key and a runner with --queue, the stand-in model behind the runner's key.
 */
import { execFileSync } from 'node:child_process';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/agent/protocol.ts';
import { DEFAULT_PRICES, priceFor, worstCaseNanos } from '../../src/evolve/proxy/prices.ts';
import { countInputTokens } from '../../src/standin/cache.ts';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import type { MessagesRequest } from '../../src/standin/types.ts';
import { ROOT, git, startEvolve, tempDir } from '../evolve/helpers.ts';
import { waitFor } from '../wait.ts';
import { makeToyRepo, passingPlan, planScript } from '../evolve/toy.ts';
import { freePort, startRedis, type RedisServer } from './redis.ts';
import { allReady, processesNaming, readRows, startWorker, stopWorkers, waitForPhaseOn, type WorkerProcess } from './helpers.ts';

const REAL_KEY = 'sk-ant-real-key-for-the-upstream-only-0123456789';
const unsafe = process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [];

let redis: RedisServer | null = null;
let standin: Standin | null = null;
let workers: WorkerProcess[] = [];
afterEach(async () => {
  await stopWorkers(workers);
  workers = [];
  await standin?.close();
  standin = null;
  await redis?.stop();
  redis = null;
});

const messagesCalls = (s: Standin) => s.requests.filter((r) => r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens'));

describe('evolve run --queue with three workers', () => {
  it('runs population × generations children on the workers, loses nothing to a worker killed mid-candidate, meters every call', async () => {
    redis = await startRedis();
    // Each call answers after 1.5 s: candidates are mid-agent long enough for one to be killed there.
    standin = await startStandin({ script: planScript((i) => passingPlan(i), 1500), apiKey: REAL_KEY });
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    workers = ['w1', 'w2', 'w3'].map((n) => startWorker(redis!.url, n, unsafe));
    await allReady(workers);
    const runner = startEvolve(['--population', '3', '--generations', '2', '--no-tui', '--target', repo, '--db', db, '--queue', redis.url, ...unsafe],
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });

    // kill -9 the worker of the first candidate seen mid-agent: its agent has asked the model (phase decide)
    const victim = await waitForPhaseOn(db, workers.map((w) => w.name), 'decide');
    await standin.waitForRequests(1);
    const killed = workers.find((w) => w.name === victim.worker)!;
    killed.child.kill('SIGKILL');
    const killedAt = Date.now();

    const run = await runner.done;
    expect(run.code, run.stderr).toBe(0);
    const rows = readRows(db);
    const children = rows.filter((r) => r.generation > 0);
    // exactly the shape of a single-machine run: 1 seed + population × generations children, each on its parent
    expect(rows).toHaveLength(1 + 3 * 2);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of children) {
      expect(r.status, r.error ?? '').toBe('passed');
      const parent = byId.get(r.parent_id!)!;
      expect(parent.generation).toBe(r.generation - 1);
      expect(git(repo, 'rev-parse', r.branch!)).toBe(r.commit_sha);
      expect(git(repo, 'rev-parse', `${r.commit_sha}^`)).toBe(parent.commit_sha);
      const history = (sha: string) => JSON.parse(git(repo, 'show', `${sha}:agent_context.json`)).history.length;
      expect(history(r.commit_sha!)).toBeGreaterThan(history(parent.commit_sha!));
    }
    // the refs that carried parents and attempts to and fro are gone; the branches stay
    expect(git(repo, 'for-each-ref', 'refs/evolve')).toBe('');
    expect(git(repo, 'branch', '--list', 'evolve/*').split('\n')).toHaveLength(6);
    // survivors: the top 2 of each generation, all passing
    for (const g of [1, 2]) expect(children.filter((r) => r.generation === g && r.survived === 1)).toHaveLength(2);

    // the killed worker's candidate was run again by another worker, from its parent, its attempts counted
    const rerun = byId.get(victim.id)!;
    expect(rerun.worker).not.toBe(killed.name);
    expect(rerun.attempts).toBeGreaterThanOrEqual(2);
    // ... within a minute
    const sql = new Database(db, { readonly: true });
    const started = sql.prepare("SELECT data_json, at FROM events WHERE candidate_id = ? AND kind = 'agent_started'").all(victim.id) as { data_json: string; at: string }[];
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(Date.parse(started.at(-1)!.at) - killedAt).toBeLessThan(60_000);
    expect(JSON.parse(started.at(-1)!.data_json).worker).toBe(rerun.worker);
    // evolve show says which worker ran it
    const shown = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), 'show', victim.id, '--db', db], { encoding: 'utf8' });
    expect(shown).toMatch(new RegExp(`worker\\s+${rerun.worker}`));
    // two or more workers did work
    expect(new Set(children.map((r) => r.worker)).size).toBeGreaterThanOrEqual(2);

    // the stand-in saw only the runner's key, and every call it saw is metered (the killed attempt's call included)
    const calls = messagesCalls(standin);
    for (const req of standin.requests) expect(req.headers['x-api-key']).toBe(REAL_KEY);
    const metered = (sql.prepare("SELECT COUNT(*) AS n FROM events WHERE kind = 'model_call'").get() as { n: number }).n;
    expect(metered).toBe(calls.length);
    expect(children.reduce((a, r) => a + r.model_calls, 0)).toBe(calls.length);
    // the killed attempt's call reached the model too: it is in the candidate's totals with its rerun's (a loaded
    // machine may make another worker lose a lock too: that rerun is metered the same way)
    expect(calls.length).toBeGreaterThanOrEqual(7);
    expect(rerun.model_calls).toBeGreaterThanOrEqual(2);
    const total = (sql.prepare('SELECT SUM(cost_usd) AS c FROM candidates').get() as { c: number }).c;
    const events = (sql.prepare("SELECT SUM(json_extract(data_json, '$.cost_usd')) AS c FROM events WHERE kind = 'model_call'").get() as { c: number }).c;
    expect(total).toBeCloseTo(events, 9);
    sql.close();
    expect(git(repo, 'log', '--all', '-p')).not.toContain(REAL_KEY);

    await stopWorkers(workers);
    // the jails, the job processes (those started ahead included) and the workers, the killed one's too
    expect(processesNaming([repo, ...workers.map((w) => w.workdir), 'bin/evolve.mjs worker-job'])).toEqual([]);
  }, 180_000);

  it('holds the run budget across workers calling at once', async () => {
    redis = await startRedis();
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    // The toy agent's call, sized as the proxy sizes it when its byte bound does not fit: the API's count + 5% + 512
    // tokens, and max_tokens at the output rate. The budget fits that worst case once, and not again once a call's
    // actual cost is spent: exactly one call may be forwarded in the whole run.
    const counted = countInputTokens({ model: DEFAULT_MODEL, max_tokens: 512, messages: [{ role: 'user', content: 'history 0' }] } as MessagesRequest);
    const worst = worstCaseNanos(Math.ceil(counted * 1.05) + 512, 512, priceFor(DEFAULT_PRICES, DEFAULT_MODEL)!, false) / 1e9;
    const budget = Number((worst + 0.0003).toFixed(6));
    // The first call's answer is held until the two other workers' agents have sent theirs: three workers call at
    // once, two of them waiting at the runner's proxy for the first to settle.
    const plans = planScript((i) => passingPlan(i));
    standin = await startStandin({
      apiKey: REAL_KEY,
      script: async (request, ctx) => {
        if (ctx.index === 0) {
          await waitFor(() => readRows(db).filter((r) => r.generation === 1 && r.status === 'running' && r.phase === 'decide').length === 3,
            'three agents calling at once', 120_000);
        }
        return plans(request, ctx);
      },
    });
    workers = ['b1', 'b2', 'b3'].map((n) => startWorker(redis!.url, n, unsafe));
    await allReady(workers);
    const run = await startEvolve(['--population', '3', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--queue', redis.url,
      '--budget-usd', String(budget), ...unsafe], { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url }).done;
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const spent = (sql.prepare('SELECT SUM(cost_usd) AS c FROM candidates').get() as { c: number }).c;
    const refused = sql.prepare("SELECT candidate_id, data_json FROM events WHERE kind = 'budget_exhausted'").all() as { candidate_id: string; data_json: string }[];
    const rows = sql.prepare('SELECT id, status, worker FROM candidates WHERE generation = 1').all() as { id: string; status: string; worker: string }[];
    sql.close();
    const said = workers.map((w) => w.said()).join('\n');
    // The candidates ran on more than one worker at once. A job BullMQ delivers twice (a refused candidate is quick
    // and its lock may be taken again) keeps the worker of its last try, so not every worker need appear.
    expect(new Set(rows.map((r) => r.worker)).size, said).toBeGreaterThanOrEqual(2);
    expect(messagesCalls(standin).length, said).toBe(1);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(budget);
    // Two candidates were refused; a job BullMQ delivered twice is refused again (one more event, same candidate).
    expect(new Set(refused.map((e) => e.candidate_id)).size, said).toBe(2);
    for (const e of refused) expect(JSON.parse(e.data_json)).toMatchObject({ scope: 'run' });
    expect(rows.map((r) => r.status).sort()).toEqual(['budget_exhausted', 'budget_exhausted', 'passed']);
  }, 240_000);

  it('waits for a Redis restarted mid-run (its jobs lost) and finishes the run, no row half-written', async () => {
    redis = await startRedis();
    const port = redis.port;
    standin = await startStandin({ script: planScript((i) => passingPlan(i), 1500), apiKey: REAL_KEY });
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    workers = ['r1', 'r2'].map((n) => startWorker(redis!.url, n, unsafe));
    await allReady(workers);
    const runner = startEvolve(['--population', '2', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--queue', redis.url, ...unsafe],
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });
    let stderr = '';
    runner.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));

    await waitForPhaseOn(db, workers.map((w) => w.name), 'decide');
    await redis.stop();
    await waitFor(() => stderr.includes('cannot be reached'), "the runner's line about Redis", 30_000);
    redis = await startRedis(port);

    const run = await runner.done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/enqueued again/);
    const children = readRows(db).filter((r) => r.generation === 1);
    expect(children).toHaveLength(2);
    for (const r of children) {
      expect(r, r.error ?? '').toMatchObject({ status: 'passed', step: 'selected' });
      expect(git(repo, 'rev-parse', r.branch!)).toBe(r.commit_sha);
    }
  }, 180_000);

  it('--resume of a queued run whose runner was killed re-enqueues what was in flight and finishes it', async () => {
    redis = await startRedis();
    standin = await startStandin({ script: planScript((i) => passingPlan(i), 1500), apiKey: REAL_KEY });
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    workers = ['s1', 's2'].map((n) => startWorker(redis!.url, n, unsafe));
    await allReady(workers);
    const env = { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url };
    const first = startEvolve(['--population', '2', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--queue', redis.url, ...unsafe], env);
    await waitForPhaseOn(db, workers.map((w) => w.name), 'decide');
    first.child.kill('SIGKILL');
    await first.done;

    const resumed = await startEvolve(['--resume', '--db', db, '--no-tui'], env).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    const children = readRows(db).filter((r) => r.generation === 1);
    expect(children).toHaveLength(2);
    for (const r of children) {
      expect(r.status, JSON.stringify(r)).toBe('passed');
      expect(git(repo, 'rev-parse', r.branch!)).toBe(r.commit_sha);
    }
    // the candidate caught mid-agent ran again, its attempts counted
    expect(Math.max(...children.map((r) => r.attempts))).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('--listen on a fixed port, --proxy-url for the workers: their calls come through what stands in front (here a TCP relay, as an SSH tunnel would)', async () => {
    redis = await startRedis();
    standin = await startStandin({ script: planScript((i) => passingPlan(i)), apiKey: REAL_KEY });
    const listenPort = await freePort();
    let relayed = 0;
    const tunnel = createNetServer((client) => {
      relayed++;
      const upstream = connect(listenPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => tunnel.listen(0, '127.0.0.1', () => r()));
    try {
      const repo = makeToyRepo();
      const db = path.join(tempDir(), 'lineage.db');
      workers = [startWorker(redis.url, 't1', unsafe)];
    await allReady(workers);
      const proxyUrl = `http://127.0.0.1:${(tunnel.address() as AddressInfo).port}`;
      const run = await startEvolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--queue', redis.url,
        '--listen', `127.0.0.1:${listenPort}`, '--proxy-url', proxyUrl, ...unsafe], { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url }).done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`workers reach the proxy at ${proxyUrl}`);
      expect(readRows(db).find((r) => r.generation === 1)).toMatchObject({ status: 'passed', worker: 't1', model_calls: 1 });
      expect(relayed).toBeGreaterThanOrEqual(1);
    } finally {
      tunnel.close();
    }
  }, 120_000);
});

