/**
 * Contract 6 on the wire: what a queued candidate job carries to a worker (BullMQ job data), what the worker reports
 * while it runs (job progress) and what it returns (the job's result). Both sides parse what they read from Redis
 * with these schemas: Redis is shared, so its contents are outside input.
 */
import { z } from 'zod';
import { EVENT_KINDS } from '../../lineage/schema.ts';
import { UsageError } from '../../errors.ts';

/** The one queue every runner enqueues to and every worker pulls from (a Redis server may serve several runs). */
export const QUEUE_NAME = 'evolve-candidates';

/**
 * A worker's lock on its job lasts this long and is renewed every half of it; a worker killed mid-job loses it after
 * at most this, and the other workers' stalled-job check (every STALLED_CHECK_MS) puts the job back in the queue, so
 * a killed worker's candidate is picked up again well within a minute.
 */
export const LOCK_MS = 15_000;
export const STALLED_CHECK_MS = 5_000;
/** Times a job may lose its worker before it fails for good (then its candidate ends as `error`). */
export const MAX_STALLED = 5;
/** Tries of a job whose worker failed at its own part (git, the job process) rather than the candidate's. */
export const JOB_ATTEMPTS = 3;

const Nullable = <T extends z.ZodType>(t: T) => t.nullable();

/** A judged candidate's measure (judge/evaluate.ts ParentMeasure): what its children's counts and progress start from. */
const Measure = z.object({
  commit: z.string(), tests: z.number(), source: z.string(), via: z.enum(['report', 'stdout', 'stderr']).optional(),
  passed: z.number(), progress: z.number(),
});

export const JobData = z.object({
  v: z.literal(1),
  runId: z.string().min(1),
  candidateId: z.string().regex(/^[0-9a-f]{8}$/),
  generation: z.number().int().min(1),
  branch: z.string().min(1),
  parent: z.object({
    id: z.string().min(1),
    commit: z.string().regex(/^[0-9a-f]{40,64}$/),
    measure: Nullable(Measure),
    // Hardlinked into the workspace: only ever a dependency folder, whatever a writer to Redis names.
    depsFrom: Nullable(z.string().refine((p) => p.startsWith('/') && /\/node_modules$/.test(p) && !p.split('/').includes('..'), 'depsFrom must be an absolute path to a node_modules folder')),
  }),
  /** The ref of the shared remote holding the parent's commit. */
  parentRef: z.string().startsWith('refs/'),
  lessons: z.array(z.record(z.string(), z.unknown())),
  /** The run's frozen configuration (runs.config_json), as the runner judges with it. */
  config: z.record(z.string(), z.unknown()),
  /** The git remote both sides reach. */
  remote: z.string().min(1),
  /** The runner's proxy and this candidate's token there. */
  proxy: z.object({ url: z.string().url(), token: z.string().min(16) }),
  /** The candidate's attempts before this job was (re)enqueued. */
  baseAttempts: z.number().int().min(0),
  /** One runner session's enqueueing of the candidate: a result carrying another one is stale. */
  admission: z.string().min(1),
});
export type JobData = z.infer<typeof JobData>;

const Value = z.union([z.string(), z.number(), z.null()]);

export const JobProgress = z.object({
  worker: z.string(),
  attempts: z.number().int(),
  status: z.string(),
  step: z.string(),
  phase: Nullable(z.string()),
  startedAt: Nullable(z.string()),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobResult = z.object({
  v: z.literal(1),
  admission: z.string(),
  worker: z.string(),
  /** The candidate row's changes, as runChild made them (cost and tokens are the runner's own meter's). */
  patch: z.record(z.string(), Value),
  /** The candidate's events in order, each with the time the worker recorded it. */
  events: z.array(z.object({ kind: z.enum(EVENT_KINDS), data: z.record(z.string(), z.unknown()), at: z.string() })),
  measure: Nullable(Measure),
  /** What the user judge measured (median, spread, runs), for the runner's metrics table. */
  metrics: z.array(z.object({ name: z.string().min(1), value: z.number(), spread: z.number(), runs: z.number().int().min(1) })).default([]),
  /**
   * Where this attempt pushed the candidate's commit in the remote: a ref of its own, so that an attempt that lost its
   * job and pushes late never moves the branch; the runner points the branch at the commit of the result it takes.
   */
  ref: Nullable(z.string().regex(/^refs\/evolve\/[^\s:]+$/)),
  /** Set when the worker was stopped before the candidate finished (shutting down): the job goes back to the queue. */
  interrupted: z.boolean().optional(),
});
export type JobResult = z.infer<typeof JobResult>;

/** The ref one attempt pushes its candidate's commit to (see JobResult.ref). */
export const attemptRef = (runId: string, candidateId: string, attempt: string) => `refs/evolve/${runId}/attempts/${candidateId}-${attempt}`;

/** Row columns a worker may not set: identity, lineage and selection are the runner's, cost is its proxy's. */
export const RUNNER_ONLY_COLUMNS = new Set([
  'id', 'run_id', 'generation', 'parent_id', 'branch', 'base_commit', 'survived', 'input_tokens', 'output_tokens',
  'cost_usd', 'cache_read_tokens', 'cache_write_tokens', 'model_calls',
]);

export interface RedisAddress { host: string; port: number; username?: string; password?: string; db?: number; tls?: object }

/** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS) as connection options, or a UsageError. */
export function parseQueueUrl(url: string, flag = '--queue'): RedisAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${flag} ${url}: not a URL (expected redis://<host>:<port>)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`${flag} ${url}: expected redis://<host>:<port>`);
  if (!u.hostname) throw new UsageError(`${flag} ${url}: no host`);
  const db = u.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db)) throw new UsageError(`${flag} ${url}: the path must be a database number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** `host:port` for --listen (port 0 or none: a free one). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value);
  const port = m?.[2] === undefined ? 0 : Number(m[2]);
  if (!m || port > 65535) throw new UsageError(`--listen ${value}: expected <host>:<port> (port 0 or none: a free port)`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}
