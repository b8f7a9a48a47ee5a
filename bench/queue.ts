/**
 * What the queue buys and costs (contract 6). The same 3 × 2 run of the toy target, with a stand-in model that
 * answers each call after 1 s (so candidates mostly wait, as they do with a real model), twice:
 *  - local: one machine, no --queue, --concurrency 1 (one candidate at a time);
 *  - queued: --queue on a real redis-server (its own loopback port, no persistence) with 3 `evolve worker`s at
 *    --concurrency 1 each (three one-slot machines).
 * Prints JSON: both wall times, their ratio (ideal 1/3 plus the queue's overhead), the mean candidate time of the
 * local run (a child's fork to its verdict), the mean time per generation of the queued run after the seed, and the
 * queue's overhead per job: that generation time minus the local candidate time (enqueueing, the job process, the
 * parent's fetch and the branch's push, the runner's polling and its fetch of the result).
 *
 *   node --import tsx bench/queue.ts
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startStandin } from '../src/standin/index.ts';
import { startEvolve, tempDir } from '../test/evolve/helpers.ts';
import { makeToyRepo, passingPlan, planScript } from '../test/evolve/toy.ts';
import { startRedis } from '../test/queue/redis.ts';
import { allReady, startWorker, stopWorkers } from '../test/queue/helpers.ts';

const KEY = 'sk-ant-bench-key-0123456789abcdef';
const POPULATION = 3;
const GENERATIONS = 2;

interface Measured { wallMs: number; seedMs: number; candidateMs: number[] }

async function run(extra: string[], standinUrl: string): Promise<Measured> {
  const repo = makeToyRepo();
  const db = path.join(tempDir(), 'lineage.db');
  const t0 = Date.now();
  const done = await startEvolve(['--population', String(POPULATION), '--generations', String(GENERATIONS), '--no-tui', '--target', repo, '--db', db, ...extra],
    { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standinUrl }).done;
  const wallMs = Date.now() - t0;
  if (done.code !== 0) throw new Error(`the run failed: ${done.stderr.slice(-2000)}`);
  const sql = new Database(db, { readonly: true });
  const rows = sql.prepare('SELECT generation, started_at, finished_at FROM candidates').all() as { generation: number; started_at: string | null; finished_at: string | null }[];
  const run = sql.prepare('SELECT started_at FROM runs').get() as { started_at: string };
  sql.close();
  const seed = rows.find((r) => r.generation === 0)!;
  const children = rows.filter((r) => r.generation > 0);
  if (children.length !== POPULATION * GENERATIONS) throw new Error(`expected ${POPULATION * GENERATIONS} children, got ${children.length}`);
  return {
    wallMs, seedMs: Date.parse(seed.finished_at!) - Date.parse(run.started_at),
    candidateMs: children.map((r) => Date.parse(r.finished_at!) - Date.parse(r.started_at!)),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const unsafe = process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [];

const standin = await startStandin({ script: planScript((i) => passingPlan(i), 1000), apiKey: KEY });
const redis = await startRedis();
const workers = ['bench-1', 'bench-2', 'bench-3'].map((n) => startWorker(redis.url, n, ['--concurrency', '1', ...unsafe]));
try {
  await allReady(workers);
  const local = await run(['--concurrency', '1', ...unsafe], standin.url);
  const queued = await run(['--queue', redis.url, ...unsafe], standin.url);
  const localCandidate = mean(local.candidateMs);
  const queuedGeneration = (queued.wallMs - queued.seedMs) / GENERATIONS;
  process.stdout.write(JSON.stringify({
    run: `${POPULATION} × ${GENERATIONS}, each model call answered after 1 s`,
    localWallMs: local.wallMs,
    queuedWallMs: queued.wallMs,
    wallRatio: Number((queued.wallMs / local.wallMs).toFixed(3)),
    localCandidateMs: Math.round(localCandidate),
    queuedGenerationMs: Math.round(queuedGeneration),
    queueOverheadPerJobMs: Math.round(queuedGeneration - localCandidate),
    queuedCandidateMsOnWorkers: Math.round(mean(queued.candidateMs)),
    // Every process of both runs shares this machine's cores: read the figures against its load.
    cpus: cpus().length,
    loadAverage1m: Number(loadavg()[0].toFixed(1)),
  }, null, 2) + '\n');
} finally {
  await stopWorkers(workers);
  await standin.close();
  await redis.stop();
}
