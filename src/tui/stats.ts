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

export function summarize(run: RunRow, config: RunConfigView, rows: readonly CandidateRow[], now: number): RunStats {
  const children = rows.filter((c) => c.generation > 0 || c.parent_id != null);
  let running = 0, pending = 0, done = 0, passed = 0, tokens = 0, costUsd = 0, generation = 0;
  const durations: number[] = [];
  for (const c of rows) {
    tokens += (c.input_tokens ?? 0) + (c.cache_read_tokens ?? 0) + (c.cache_write_tokens ?? 0) + (c.output_tokens ?? 0);
    costUsd += c.cost_usd ?? 0;
  }
  for (const c of children) {
    if (c.status !== 'pending') generation = Math.max(generation, c.generation);
    if (isActive(c)) running++;
    else if (c.status === 'pending') pending++;
    else if (isFinished(c)) {
      done++;
      if (c.status === 'passed') passed++;
      const ms = msBetween(c.started_at, c.finished_at);
      if (ms != null && ms >= 0) durations.push(ms);
    }
  }
  const planned = config.population && config.generations ? config.population * config.generations : null;
  const total = planned ?? children.length;
  const progress = total > 0 ? Math.min(1, done / total) : run.status === 'running' ? 0 : 1;
  const end = run.finished_at ? Date.parse(run.finished_at) : now;
  const start = Date.parse(run.started_at);
  const elapsedMs = Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : null;
  return {
    generation, generations: config.generations, running, pending, done, passed, failed: done - passed,
    survivors: survivorsNow(rows), tokens, costUsd, budgetUsd: config.budgetUsd, elapsedMs,
    etaMs: run.status === 'running' ? estimateRemaining(durations, total - done, config.concurrency ?? config.population) : null,
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
  if (remaining <= 0) return 0;
  if (!durations.length) return null;
  const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
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
