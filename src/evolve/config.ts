/**
 * The run's configuration, defined once: its options (`RunOptions`, the flags and the config file as
 * src/cli/config.ts validates them) and `RunConfig`, those options plus what is resolved once when the run starts —
 * the build and test commands — frozen into runs.config_json so that no candidate can change how it is judged.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_MODEL } from '../agent/protocol.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_WEIGHTS, ScoreWeights } from './judge/score.ts';
import { FrozenJudge } from './judge/user-judge.ts';
import { PriceTable } from './proxy/prices.ts';

/**
 * Protected by default: the runner's own state, the config file (a candidate must not edit its judge), and every
 * common CI system's files (with --push, a branch runs its CI files with the repository's secrets).
 */
// Flags arrive as strings, the config file as JSON: a number or a plain decimal string is a number; anything else
// (true, [2], null, "", "0x2", "1e1") is refused rather than coerced (Number(true) is 1, Number("0x2") is 2).
export const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
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

/**
 * The run's options: the flags and the config file (camelCase keys), merged by src/cli/config.ts and validated with
 * this once. Every other shape of them is derived from it (LaunchOptions, FreezeOptions); RunConfig is what they
 * freeze into.
 */
export const RunOptions = z.object({
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
export type RunOptions = z.infer<typeof RunOptions>;

export const DEFAULT_PROTECTED = [
  '.evolve/', 'evolve.config.json', '.github/', '.ci/', '.gitlab-ci.yml', '.circleci/', '.travis.yml',
  'azure-pipelines.yml', 'Jenkinsfile', '.buildkite/',
  '.gitlab/', '.gitea/', '.forgejo/', 'bitbucket-pipelines.yml', '.drone.yml', '.woodpecker.yml', '.woodpecker/',
  'appveyor.yml', '.appveyor.yml', '.cirrus.yml', '.semaphore/', '.azure-pipelines/', 'cloudbuild.yaml', 'buildspec.yml',
  '.tekton/',
];

/** The options a run's config is frozen from (freezeConfig); the rest are the launcher's (target, db, resume, …). */
export type FreezeOptions = Pick<RunOptions, 'strategy' | 'model' | 'budgetUsd' | 'candidateBudgetUsd' | 'maxTurns' | 'candidateTimeout'
  | 'buildTimeout' | 'testTimeout' | 'seedGoal' | 'protectedPaths' | 'weights' | 'unsafeNoSandbox'>
  & Partial<Pick<RunOptions, 'survivors' | 'concurrency' | 'judgeConcurrency' | 'allowFailingSeed' | 'build' | 'test' | 'push' | 'objective' | 'seed' | 'agent'>>
  & { population: number; generations: number };

const FrozenCommand = z.object({ cmd: z.string().nullable(), from: z.enum(['flag', 'package.json', 'none']) });
export type FrozenCommand = z.infer<typeof FrozenCommand>;
// JSON has no Infinity: an unlimited budget is stored, and reaches a worker, as null.
const Budget = z.number().nullable().transform((v) => v ?? Infinity);

/**
 * Everything a run needs to be judged the same way from start to resume; stored as runs.config_json (StoredConfig)
 * and carried by each queued job, and parsed with this wherever it is read back.
 */
export const RunConfig = z.object({
  population: z.number(),
  generations: z.number(),
  survivors: z.number(),
  concurrency: z.number(),
  /** How many candidates are built and tested at once (judging is CPU-bound; agents mostly wait on the model). */
  judgeConcurrency: z.number().default(() => defaultJudgeConcurrency()),
  /** A seed whose build or tests fail parents generation 1 instead of stopping the run. */
  allowFailingSeed: z.boolean().default(false),
  strategy: RunOptions.shape.strategy.unwrap(),
  model: z.string(),
  budgetUsd: Budget,
  candidateBudgetUsd: Budget,
  maxTurns: z.number(),
  candidateTimeoutS: z.number(),
  buildTimeoutS: z.number(),
  testTimeoutS: z.number(),
  build: FrozenCommand,
  test: FrozenCommand,
  /**
   * The seed's package.json scripts: every judging checkout gets them back, so that a nested `npm run unit`,
   * `npm test`, `pnpm x` or `yarn x` inside the frozen commands runs the seed's script (pre/post included).
   * Null when the seed has no package.json (or a run frozen before this existed: its scripts are left alone).
   */
  seedScripts: z.record(z.string(), z.string()).nullable().optional(),
  push: z.string().nullable(),
  /** The user judge (docs/judge.md), frozen at run start; null without --judge. */
  judge: FrozenJudge.nullable().optional(),
  /** The metric that ranks passing candidates (default: the judge's first field, max), or null: the score ranks. */
  objective: RunOptions.shape.objective.unwrap().nullable().optional(),
  seedGoal: z.string(),
  protectedPaths: z.array(z.string()),
  weights: ScoreWeights,
  seed: z.number(),
  sandbox: z.enum(['bwrap', 'none']),
  /** --agent as given (null: the workspace's package.json evolve.agent, else the built-in agent). Absent in older runs. */
  agent: z.string().nullable().optional(),
});
export type RunConfig = z.infer<typeof RunConfig>;

/**
 * What runs.config_json holds: the frozen config plus what a resume needs. `ownsWorkdir`: the work directory is
 * evolve's (the default, or one this run created), so it may be removed once no run uses it; a --workdir that
 * existed before the run is the user's and only its run folder is ever removed (absent in older runs: not owned).
 */
export const StoredConfig = RunConfig.extend({
  prices: PriceTable,
  workdir: z.string(),
  ownsWorkdir: z.boolean().optional(),
  /** The seed commit (the target's HEAD when the run started). */
  head: z.string(),
  standin: z.literal(true).optional(),
  standinLabel: z.string().optional(),
  queue: z.string().optional(),
  remote: z.string().optional(),
});
export type StoredConfig = z.infer<typeof StoredConfig>;

function jsonObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The stored config of a run to resume, whole, or a UsageError: a run is resumed only as it was frozen. */
export function parseStoredConfig(runId: string, json: string): StoredConfig {
  const parsed = StoredConfig.safeParse(jsonObject(json));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(`run ${runId}: its stored configuration cannot be resumed (${issue.path.join('.') || 'config'}: ${issue.message})`);
}

/**
 * What a run's stored config says, field by field, for the commands that read any run (the estimate, adopt,
 * clean): a field the run does not record, or records in a shape this evolve does not know, is absent.
 */
export function storedConfigView(json: string): Partial<StoredConfig> {
  const raw = jsonObject(json);
  const view: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(StoredConfig.shape)) {
    if (!(key in raw)) continue;
    const value = (field as z.ZodType).safeParse(raw[key]);
    if (value.success) view[key] = value.data;
  }
  return view as Partial<StoredConfig>;
}

/** Default survivors under top-k: half the population, rounded up (3 children → 2 survivors: 2 + 1 children next). */
export const defaultSurvivors = (population: number): number => Math.max(1, Math.ceil(population / 2));

/**
 * The default --judge-concurrency: half the cores, at least one. A build or test run takes the CPU it can get, and
 * test suites with timing in them fail when a whole generation is judged at once on a small machine (a child's
 * `redos.spec.ts` failed in 3 of 4 children on 2 cores, never alone).
 */
export function defaultJudgeConcurrency(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** The default --concurrency is the population, up to this many. */
export const DEFAULT_MAX_CONCURRENCY = 8;

/**
 * Freezes the options against the seed's package.json (its text at HEAD, or null when it has none).
 * The commands are the seed's script bodies themselves (pre/post scripts included), run like npm runs them —
 * `sh -c` with node_modules/.bin on PATH — so a candidate that edits its package.json scripts changes nothing.
 */
export function freezeConfig(o: FreezeOptions, seedPackageJson: string | null, seed: number): RunConfig {
  const scripts = readScripts(seedPackageJson);
  const build: FrozenCommand = o.build !== undefined ? { cmd: o.build, from: 'flag' }
    : scripts.build ? { cmd: npmScript(scripts, 'build'), from: 'package.json' } : { cmd: null, from: 'none' };
  const test: FrozenCommand = o.test !== undefined ? { cmd: o.test, from: 'flag' }
    : scripts.test ? { cmd: npmScript(scripts, 'test'), from: 'package.json' } : { cmd: null, from: 'none' };
  if (!test.cmd) throw new UsageError('no test command: the target has no package.json "test" script; pass --test <cmd>');
  return {
    population: o.population,
    generations: o.generations,
    survivors: Math.min(o.survivors ?? defaultSurvivors(o.population), o.population),
    // Each running child is a jail with up to 4 GiB and 1,024 processes: by default no more than 8 at once.
    concurrency: o.concurrency ?? Math.min(o.population, DEFAULT_MAX_CONCURRENCY),
    judgeConcurrency: o.judgeConcurrency ?? defaultJudgeConcurrency(),
    allowFailingSeed: o.allowFailingSeed ?? false,
    strategy: o.strategy,
    model: o.model,
    budgetUsd: o.budgetUsd,
    candidateBudgetUsd: o.candidateBudgetUsd,
    maxTurns: o.maxTurns,
    candidateTimeoutS: o.candidateTimeout,
    buildTimeoutS: o.buildTimeout,
    testTimeoutS: o.testTimeout,
    build,
    test,
    seedScripts: seedPackageJson === null ? null : scripts,
    push: o.push ?? null,
    // The judge's files are frozen by the launcher (user-judge.ts), which fills this in.
    judge: null,
    objective: o.objective ?? null,
    seedGoal: o.seedGoal,
    protectedPaths: [...DEFAULT_PROTECTED, ...o.protectedPaths],
    weights: { ...DEFAULT_WEIGHTS, ...o.weights },
    seed: o.seed ?? seed,
    sandbox: o.unsafeNoSandbox ? 'none' : 'bwrap',
    agent: o.agent ?? null,
  };
}

function readScripts(text: string | null): Record<string, string> {
  if (text === null) return {};
  try {
    const pkg = JSON.parse(text) as { scripts?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(pkg.scripts ?? {})) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    throw new UsageError('the target\'s package.json is not valid JSON; fix it or pass --build/--test');
  }
}

function npmScript(scripts: Record<string, string>, name: string): string {
  const parts = [scripts[`pre${name}`], scripts[name], scripts[`post${name}`]].filter((s): s is string => !!s);
  return parts.length === 1 ? parts[0] : parts.map((s) => `(${s})`).join(' && ');
}

/** True when `file` (a repository path) is protected: equal to an entry, or under an entry ending in `/`. */
export function isProtected(file: string, protectedPaths: readonly string[]): boolean {
  return protectedPaths.some((p) => (p.endsWith('/') ? file.startsWith(p) || file === p.slice(0, -1) : file === p));
}
