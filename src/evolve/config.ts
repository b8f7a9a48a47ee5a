/**
 * The run's configuration as the runner uses it: validated options (src/cli/config.ts parses flags and the config
 * file into `RunOptions`) plus what is resolved once when the run starts — the build and test commands — frozen
 * into runs.config_json so that no candidate can change how it is judged.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.ts';
import { DEFAULT_WEIGHTS, type ScoreWeights } from './judge/score.ts';
import type { Objective, Strategy } from './judge/select.ts';
import type { FrozenJudge } from './judge/user-judge.ts';

/**
 * Protected by default: the runner's own state, the config file (a candidate must not edit its judge), and every
 * common CI system's files (with --push, a branch runs its CI files with the repository's secrets).
 */
export const DEFAULT_PROTECTED = [
  '.evolve/', 'evolve.config.json', '.github/', '.ci/', '.gitlab-ci.yml', '.circleci/', '.travis.yml',
  'azure-pipelines.yml', 'Jenkinsfile', '.buildkite/',
  '.gitlab/', '.gitea/', '.forgejo/', 'bitbucket-pipelines.yml', '.drone.yml', '.woodpecker.yml', '.woodpecker/',
  'appveyor.yml', '.appveyor.yml', '.cirrus.yml', '.semaphore/', '.azure-pipelines/', 'cloudbuild.yaml', 'buildspec.yml',
  '.tekton/',
];

export interface RunOptions {
  population: number;
  generations: number;
  survivors?: number;
  concurrency?: number;
  judgeConcurrency?: number;
  allowFailingSeed?: boolean;
  strategy: Strategy;
  model: string;
  budgetUsd: number;
  candidateBudgetUsd: number;
  maxTurns: number;
  candidateTimeout: number;
  buildTimeout: number;
  testTimeout: number;
  build?: string;
  test?: string;
  judge?: string;
  judgeRuns?: number;
  judgeTimeout?: number;
  objective?: Objective;
  push?: string;
  seedGoal: string;
  protectedPaths: string[];
  weights: Partial<ScoreWeights>;
  seed?: number;
  unsafeNoSandbox: boolean;
  /** `--agent builtin|claude-code|<command>`: the agent of every candidate, over the workspace's package.json. */
  agent?: string;
}

export interface FrozenCommand { cmd: string | null; from: 'flag' | 'package.json' | 'none' }

/** Everything a run needs to be judged the same way from start to resume; stored as runs.config_json. */
export interface RunConfig {
  population: number;
  generations: number;
  survivors: number;
  concurrency: number;
  /** How many candidates are built and tested at once (judging is CPU-bound; agents mostly wait on the model). */
  judgeConcurrency: number;
  /** A seed whose build or tests fail parents generation 1 instead of stopping the run. */
  allowFailingSeed: boolean;
  strategy: Strategy;
  model: string;
  budgetUsd: number;
  candidateBudgetUsd: number;
  maxTurns: number;
  candidateTimeoutS: number;
  buildTimeoutS: number;
  testTimeoutS: number;
  build: FrozenCommand;
  test: FrozenCommand;
  /**
   * The seed's package.json scripts: every judging checkout gets them back, so that a nested `npm run unit`,
   * `npm test`, `pnpm x` or `yarn x` inside the frozen commands runs the seed's script (pre/post included).
   * Null when the seed has no package.json (or a run frozen before this existed: its scripts are left alone).
   */
  seedScripts?: Record<string, string> | null;
  push: string | null;
  /** The user judge (docs/judge.md), frozen at run start; null without --judge. */
  judge?: FrozenJudge | null;
  /** The metric that ranks passing candidates (default: the judge's first field, max), or null: the score ranks. */
  objective?: Objective | null;
  seedGoal: string;
  protectedPaths: string[];
  weights: ScoreWeights;
  seed: number;
  sandbox: 'bwrap' | 'none';
  /** --agent as given (null: the workspace's package.json evolve.agent, else the built-in agent). Absent in older runs. */
  agent?: string | null;
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
export function freezeConfig(o: RunOptions, seedPackageJson: string | null, seed: number): RunConfig {
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
