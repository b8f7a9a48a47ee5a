/** The run's own events (no candidate, or the run's decisions about one): start, end, selection, push, resume, errors. */
import { z } from 'zod';

const count = z.number().int().nonnegative();

export const RunStarted = z.strictObject({
  population: count,
  generations: count,
  strategy: z.string(),
  survivors: count,
  concurrency: count,
  judge_concurrency: count,
  allow_failing_seed: z.boolean(),
  model: z.string(),
  budget_usd: z.number(),
  candidate_budget_usd: z.number(),
  build: z.string().nullable(),
  test: z.string().nullable(),
  /** The seed commit. */
  head: z.string(),
  sandbox: z.enum(['bwrap', 'none']),
  sandbox_limits: z.enum(['cgroup', 'systemd', 'systemd-system', 'none']),
  /** `--agent` as given; null without it. */
  agent: z.string().nullable(),
});

export const RunFinished = z.strictObject({
  status: z.enum(['running', 'done', 'stopped', 'failed']),
  reason: z.string().nullable(),
});

export const Selected = z.strictObject({
  generation: count,
  rank: z.number().int().positive(),
  score: z.number().nullable().optional(),
  seed: z.literal(true).optional(),
});

export const Pushed = z.strictObject({
  remote: z.string(),
  branch: z.string().nullable(),
  /** The push carried `-o ci.skip` (the remote takes push options). */
  ci_skip_option: z.boolean(),
});

/** `--resume`: the run picked up again (no candidate) or one of its candidates. */
export const Resumed = z.strictObject({
  budget_usd: z.number().optional(),
  previous_status: z.enum(['running', 'done', 'stopped', 'failed']).optional(),
  from_step: z.string().optional(),
  entry: z.enum(['fork', 'commit', 'judge']).optional(),
});

export const RunnerError = z.strictObject({
  message: z.string(),
  /** The seed's: true when the run stops before forking (no --allow-failing-seed). */
  stops_run: z.boolean().optional(),
  /** A queued job given up: the tries the queue made. */
  attempts: count.optional(),
});
