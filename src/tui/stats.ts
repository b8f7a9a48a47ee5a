import { FINISHED_STATUSES, type CandidateRow, type RunRow } from '../lineage/schema.ts';
import type { RunConfigView } from './config.ts';
import { msBetween } from './format.ts';

/** The numbers of the header, computed once per snapshot (DESIGN's semantics: the seed is not a child). */
export interface RunStats {
  generation: number;
  generations?: number;
  running: number;
  pending: number;
  done: number;
  passed: number;
  failed: number;
  survivors: number;
  tokens: number;
  costUsd: number;
  budgetUsd?: number;
  elapsedMs: number | null;
  etaMs: number | null;
  /** Finished children over planned children (population × generations), or over known children without a plan. */
  progress: number;
  planned: number | null;
}

const finished = new Set<string>(FINISHED_STATUSES);
export const isFinished = (c: CandidateRow): boolean => finished.has(c.status);
export const isActive = (c: CandidateRow): boolean => c.status === 'running' || c.status === 'evaluating';

/** The sums behind RunStats: what a tally (tally.ts) keeps up to date row by row instead of recounting. */
export interface RunTotals {
  children: number;
  generation: number;
  running: number;
  pending: number;
  done: number;
  passed: number;
  tokens: number;
  costUsd: number;
  survivors: number;
  /** The mean duration of finished children, null before one finished. */
  meanMs: number | null;
}

export function summarize(run: RunRow, config: RunConfigView, rows: readonly CandidateRow[], now: number): RunStats {
  let children = 0, running = 0, pending = 0, done = 0, passed = 0, tokens = 0, costUsd = 0, generation = 0;
  let durations = 0, durationSum = 0;
  for (const c of rows) {
    tokens += (c.input_tokens ?? 0) + (c.cache_read_tokens ?? 0) + (c.cache_write_tokens ?? 0) + (c.output_tokens ?? 0);
    costUsd += c.cost_usd ?? 0;
    if (!isChild(c)) continue;
    children++;
    if (c.status !== 'pending') generation = Math.max(generation, c.generation);
    if (isActive(c)) running++;
    else if (c.status === 'pending') pending++;
    else if (isFinished(c)) {
      done++;
      if (c.status === 'passed') passed++;
      const ms = msBetween(c.started_at, c.finished_at);
      if (ms != null && ms >= 0) {
        durations++;
        durationSum += ms;
      }
    }
  }
  const meanMs = durations ? durationSum / durations : null;
  return statsFrom(run, config, { children, generation, running, pending, done, passed, tokens, costUsd, survivors: survivorsNow(rows), meanMs }, now);
}

/** A child of the run (DESIGN's semantics: the seed is not one). */
export const isChild = (c: CandidateRow): boolean => c.generation > 0 || c.parent_id != null;

export function statsFrom(run: RunRow, config: RunConfigView, t: RunTotals, now: number): RunStats {
  const planned = config.population && config.generations ? config.population * config.generations : null;
  const total = planned ?? t.children;
  const progress = total > 0 ? Math.min(1, t.done / total) : run.status === 'running' ? 0 : 1;
  const end = run.finished_at ? Date.parse(run.finished_at) : now;
  const start = Date.parse(run.started_at);
  const elapsedMs = Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : null;
  return {
    generation: t.generation, generations: config.generations, running: t.running, pending: t.pending, done: t.done,
    passed: t.passed, failed: t.done - t.passed, survivors: t.survivors, tokens: t.tokens, costUsd: t.costUsd,
    budgetUsd: config.budgetUsd, elapsedMs,
    etaMs: run.status === 'running' ? remainingFromMean(t.meanMs, total - t.done, config.concurrency ?? config.population) : null,
    progress, planned,
  };
}

/** Survivors of the latest generation that has any (the seed's, before the first selection). */
export function survivorsNow(rows: readonly CandidateRow[]): number {
  let gen = -1;
  let count = 0;
  for (const c of rows) {
    if (!c.survived) continue;
    if (c.generation > gen) {
      gen = c.generation;
      count = 0;
    }
    if (c.generation === gen) count++;
  }
  return count;
}

/** Remaining children × mean finished duration, spread over the concurrency; null until one has finished. */
export function estimateRemaining(durations: readonly number[], remaining: number, concurrency?: number): number | null {
  const mean = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null;
  return remainingFromMean(mean, remaining, concurrency);
}

/** `estimateRemaining` from the mean duration (null: none finished yet). */
export function remainingFromMean(mean: number | null, remaining: number, concurrency?: number): number | null {
  if (remaining <= 0) return 0;
  if (mean == null) return null;
  const lanes = Math.max(1, Math.min(concurrency ?? 1, remaining));
  return Math.ceil(remaining / lanes) * mean;
}

/** The candidate most recently started or finished, for `f` (follow) when no event says more. */
export function newestActivity(rows: readonly CandidateRow[]): CandidateRow | null {
  let newest: CandidateRow | null = null;
  let at = '';
  for (const c of rows) {
    const t = isActive(c) ? (c.started_at ?? '') : (c.finished_at ?? c.started_at ?? '');
    if (t && t >= at) {
      at = t;
      newest = c;
    }
  }
  return newest;
}
