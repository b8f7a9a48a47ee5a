/**
 * The run's options, parsed once at the boundary: the config file (`evolve.config.json` in the target, or
 * `--config <file>`) takes the same options as the flags (camelCase: `population`, `candidateBudgetUsd`, ...) plus a
 * few that only make sense in a file (`protectedPaths`, `weights`, `seed`, `prices`); flags win.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_MODEL } from '../agent/protocol.ts';
import { UsageError } from '../errors.ts';
import { ScoreWeights } from '../evolve/judge/score.ts';
import { DECIMAL } from './options.ts';

// Flags arrive as strings, the config file as JSON: a number or a plain decimal string (DECIMAL) is a number;
// anything else (true, [2], null, "", "0x2", "1e1") is refused rather than coerced (Number(true) is 1, Number("0x2") is 2).
const toNumber = (v: unknown) => (typeof v === 'string' && DECIMAL.test(v.trim()) ? Number(v) : v);
const count = (what: string) =>
  z.preprocess(toNumber, z.number({ message: `${what} must be a number` })
    .int(`${what} must be a whole number`).min(1, `${what} must be at least 1`));
// Timeouts become setTimeout delays (a signed 32-bit count of ms: Node fires a longer one after 1 ms) and deadlines.
const MAX_TIMEOUT_S = Math.floor(0x7fffffff / 1000);
const seconds = (what: string) =>
  z.preprocess(toNumber, z.number({ message: `${what} must be a number` }).positive(`${what} must be a positive number`)
    .max(MAX_TIMEOUT_S, `${what} must be at most ${MAX_TIMEOUT_S} seconds (about 24 days)`));
const usd = (what: string) => {
  const message = `${what} must be a positive amount of USD (or "unlimited")`;
  return z.preprocess((v) => (v === 'unlimited' ? v : toNumber(v)), z.union([z.literal('unlimited'), z.number()], { message }))
    .transform((v) => (v === 'unlimited' ? Infinity : v)).refine((n) => n > 0, message);
};

export const RunFlags = z.object({
  population: count('--population').optional(),
  generations: count('--generations').optional(),
  target: z.string().default('.'),
  db: z.string().default('lineage.db'),
  workdir: z.string().optional(),
  survivors: count('--survivors').optional(),
  concurrency: count('--concurrency').optional(),
  judgeConcurrency: count('--judge-concurrency').optional(),
  allowFailingSeed: z.boolean({ message: 'allowFailingSeed must be true or false' }).default(false),
  strategy: z.enum(['top-k', 'dgm'], { message: '--strategy must be top-k or dgm' }).default('top-k'),
  model: z.string({ message: '--model must be a model id' }).min(1, '--model must not be empty').default(DEFAULT_MODEL),
  budgetUsd: usd('--budget-usd').default(10),
  candidateBudgetUsd: usd('--candidate-budget-usd').default(2),
  maxTurns: count('--max-turns').default(40),
  candidateTimeout: seconds('--candidate-timeout').default(1800),
  buildTimeout: seconds('buildTimeout').default(600),
  testTimeout: seconds('testTimeout').default(600),
  build: z.string().optional(),
  test: z.string().min(1, '--test must not be empty').optional(),
  judge: z.string({ message: '--judge must be a shell command' }).trim().min(1, '--judge must not be empty').optional(),
  judgeRuns: count('--judge-runs').default(1),
  judgeTimeout: seconds('judgeTimeout').default(300),
  objective: z.object({
    metric: z.string({ message: 'objective.metric must name a field of the judge\'s JSON' }).min(1, 'objective.metric must not be empty'),
    goal: z.enum(['max', 'min'], { message: 'objective.goal must be "max" or "min"' }).default('max'),
  }).strict().optional(),
  push: z.string({ message: '--push must be a remote name' }).min(1, '--push must not be empty').optional(),
  seedGoal: z.string().default(''),
  tui: z.boolean().default(true),
  verbose: z.boolean().default(false),
  unsafeNoSandbox: z.boolean().default(false),
  agent: z.string({ message: '--agent must be builtin, claude-code or a shell command' }).trim().min(1, '--agent must not be empty').optional(),
  resume: z.union([z.string(), z.boolean()]).optional(),
  protectedPaths: z.array(z.string().min(1)).default([]),
  weights: ScoreWeights.partial().strict().default({}),
  seed: z.preprocess(toNumber, z.number({ message: 'seed must be a number' }).int('seed must be a whole number')).optional(),
  prices: z.unknown().optional(),
  queue: z.string({ message: '--queue must be redis://<host>:<port>' }).min(1).optional(),
  listen: z.string({ message: '--listen must be <host>:<port>' }).min(1).optional(),
  proxyUrl: z.string({ message: '--proxy-url must be an http(s) URL' }).min(1).optional(),
  remote: z.string({ message: '--remote must be a git URL or path' }).min(1).optional(),
}).strict();
export type RunFlags = z.infer<typeof RunFlags>;

// What --resume keeps from the run's start (runs.config_json): a flag for one of these could only be ignored.
const FROZEN_ON_RESUME: Record<string, string> = {
  population: '--population', generations: '--generations', survivors: '--survivors', concurrency: '--concurrency',
  judgeConcurrency: '--judge-concurrency', allowFailingSeed: '--allow-failing-seed',
  strategy: '--strategy', model: '--model', maxTurns: '--max-turns', candidateTimeout: '--candidate-timeout',
  build: '--build', test: '--test', push: '--push', seedGoal: '--seed-goal', workdir: '--workdir',
  unsafeNoSandbox: '--unsafe-no-sandbox', agent: '--agent', queue: '--queue', remote: '--remote',
  judge: '--judge', judgeRuns: '--judge-runs',
};

/** Refuses, with --resume, a command-line flag of the frozen configuration (the config file is the run's, so not it). */
export function refuseFrozenFlags(flags: Record<string, unknown>): void {
  if (flags.resume === undefined || flags.resume === false) return;
  const name = Object.keys(flags).map((k) => FROZEN_ON_RESUME[k]).find(Boolean);
  if (name) {
    throw new UsageError(`${name} cannot change when resuming: a run keeps the configuration it started with (only --budget-usd and --candidate-budget-usd may be raised)`);
  }
}

/** Reads the config file: `--config <file>` (must exist) or `<target>/evolve.config.json` (optional). */
export function readConfigFile(configPath: string | undefined, target: string): Record<string, unknown> {
  const file = configPath ?? path.join(target, 'evolve.config.json');
  if (!existsSync(file)) {
    if (configPath) throw new UsageError(`--config ${configPath}: no such file`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${file}: expected a JSON object of options`);
  // A config file describes runs; "resume": true in it would turn every later `evolve` into a resume.
  if ('resume' in raw) throw new UsageError(`${file}: "resume" is not a config option (pass --resume on the command line)`);
  return raw as Record<string, unknown>;
}

/** Merges file options under the flags the user gave, and validates the result once. */
export function parseRunOptions(flags: Record<string, unknown>, file: Record<string, unknown>): RunFlags & { explicit: string[] } {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const merged: Record<string, unknown> = { ...file, ...given };
  for (const name of ['population', 'generations']) {
    if (merged[name] === undefined && (merged.resume === undefined || merged.resume === false)) throw new UsageError(`--${name} is required (or "${name}" in evolve.config.json)`);
  }
  const parsed = RunFlags.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '';
    if (issue.code === 'unrecognized_keys') {
      throw new UsageError(`unknown option ${issue.keys.map((k) => (where ? `${where}.${k}` : k)).join(', ')} in the config file`);
    }
    const message = issue.message;
    throw new UsageError(where && !message.includes('--') && !message.startsWith(where) ? `${where}: ${message}` : message);
  }
  return { ...parsed.data, explicit: Object.keys(merged) };
}
