/**
 * The run's options, parsed once at the boundary: the config file (`evolve.config.json` in the target, or
 * `--config <file>`) takes the same options as the flags (camelCase: `population`, `candidateBudgetUsd`, ...) plus a
 * few that only make sense in a file (`protectedPaths`, `weights`, `seed`, `prices`); flags win.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { RunOptions } from '../evolve/config.ts';



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
export function parseRunOptions(flags: Record<string, unknown>, file: Record<string, unknown>): RunOptions & { explicit: string[] } {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const merged: Record<string, unknown> = { ...file, ...given };
  for (const name of ['population', 'generations']) {
    if (merged[name] === undefined && (merged.resume === undefined || merged.resume === false)) throw new UsageError(`--${name} is required (or "${name}" in evolve.config.json)`);
  }
  const parsed = RunOptions.safeParse(merged);
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
