/**
 * `evolve demo`: the real runner, jail, proxy, git and database evolving a small sample repository, with a
 * stand-in for the Messages API (a scripted model, src/demo/model.ts) so that it needs no key and no network.
 * The stand-in is named as such in the start-up line, the header, the summary and runs.config_json.
 */
import { mkdirSync, mkdtempSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL } from '../agent/protocol.ts';
import { UsageError } from '../errors.ts';
import { EVOLVE_HOME } from '../home.ts';
import { shellWord } from '../shell-word.ts';
import { RunOptions } from '../evolve/config.ts';
import { launchRun } from '../evolve/launch.ts';
import type { RunObserver, RunSummary } from '../evolve/observer.ts';
import { startStandin } from '../standin/index.ts';
import { probeSandbox } from '../tools/sandbox/probe.ts';
import { demoModel } from './model.ts';
import { createSampleRepo } from './sample-repo.ts';

export const STANDIN_LABEL = 'stand-in (scripted demo model; not a real Claude model, no key, no network)';

export interface DemoOptions {
  /** Where to create the sample repository; default a new temporary directory. */
  dir?: string;
  population: number;
  generations: number;
  observer: RunObserver;
  signal?: AbortSignal;
  /** Called with the database path before the run starts (the live view attaches to it). */
  onDatabase?: (db: string) => void;
}

export interface DemoResult { repo: string; db: string; summary: RunSummary }

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const probe = probeSandbox();
  if (!probe.ok) {
    // The demo shows a candidate trying to escape; without the jail that attempt would succeed.
    throw new UsageError(`the demo needs the bubblewrap jail: ${probe.reason}. ${probe.fix}`);
  }
  const repo = prepareDir(o.dir);
  createSampleRepo(repo);
  const db = path.join(repo, 'lineage.db');
  o.onDatabase?.(db);
  const standin = await startStandin({ script: demoModel() });
  o.observer.log?.(`demo: sample repository ${repo}; model: ${STANDIN_LABEL} at ${standin.url}`);
  try {
    // Through the same validation, and the same defaults, as the flags.
    const options = RunOptions.parse({
      population: o.population, generations: o.generations, target: repo, db,
      strategy: 'top-k', model: DEFAULT_MODEL, budgetUsd: 10, candidateBudgetUsd: 2, maxTurns: 20,
      candidateTimeout: 300, buildTimeout: 120, testTimeout: 120, seedGoal: 'Grow textkit with small, tested text utilities.',
      protectedPaths: [], weights: {}, seed: 42, unsafeNoSandbox: false,
      // The sample repository's benchmark (ops/sec of wordCount, median of 3): the objective selection climbs.
      judge: 'node bench/judge.mjs', judgeRuns: 1, judgeTimeout: 60, objective: { metric: 'ops_per_sec', goal: 'max' },
    });
    const summary = await launchRun({ ...options, standin: STANDIN_LABEL }, { apiKey: 'standin-demo-not-a-real-key', baseUrl: standin.url, observer: o.observer, signal: o.signal });
    return { repo, db, summary };
  } finally {
    await standin.close();
  }
}

function prepareDir(dir: string | undefined): string {
  if (!dir) return path.join(mkdtempSync(path.join(tmpdir(), 'evolve-demo-')), 'textkit');
  const full = path.resolve(dir);
  if (existsSync(full) && !statSync(full).isDirectory()) throw new UsageError(`--dir ${dir} is a file: give a new or empty directory`);
  if (existsSync(full) && readdirSync(full).length > 0) throw new UsageError(`--dir ${dir} is not empty: give a new or empty directory`);
  try {
    mkdirSync(full, { recursive: true });
  } catch (err) {
    throw new UsageError(`--dir ${dir}: cannot create it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give a new or empty directory`, { cause: err });
  }
  return full;
}

/**
 * What to do next, printed after the demo. `evolve` is how the user's shell runs this evolve (src/cli/self-command.ts:
 * a fresh clone has no `evolve` on PATH), so every line can be pasted as it is.
 */
export function nextSteps(r: DemoResult, evolve = 'evolve'): string[] {
  const best = r.summary.best;
  const commands: Array<[string, string]> = [
    [`${evolve} lineage`, 'the tree'],
    [`${evolve} watch`, 'the TUI on the finished run'],
    // The seed has no parent to diff against (`show --diff` refuses it): the best is the seed when no child passed.
    best && best.generation === 0
      ? [`${evolve} show ${best.id}`, 'the seed: no child passed']
      : [`${evolve} show ${best ? best.id : '<candidate-id>'} --diff`, best ? 'the best candidate and its change' : 'a candidate and its change'],
    [`${evolve} report`, 'the run as one HTML page, to open in a browser'],
    ['git log --graph --oneline --all', ''],
  ];
  const width = Math.max(...commands.map(([c]) => c.length)) + 2;
  return [
    `the demo used a ${STANDIN_LABEL}; its "costs" are what the same tokens would cost at the price table`,
    `explore it: cd ${shellWord(r.repo)}`,
    ...commands.map(([c, what]) => (what ? `  ${c.padEnd(width)} # ${what}` : `  ${c}`)),
    `  sqlite3 lineage.db "SELECT generation, id, status, score, error FROM candidates ORDER BY generation"`,
    ...(evolve === 'evolve' ? [] : [`(run npm link in ${shellWord(EVOLVE_HOME)} to type just "evolve")`]),
  ];
}
