import type Database from 'better-sqlite3';
import { readRunConfig } from '../lineage/run-config.ts';

/**
 * The judge's metrics, when the run has them: `metrics(run_id, candidate_id, name, value)` and the run's objective,
 * `runs.config_json.objective {metric, goal}`. Both are optional: a database from before judges has neither, and the
 * report then charts the score.
 */

export interface Objective {
  metric: string;
  /** Whether a larger value is better. */
  higherIsBetter: boolean;
  /** The goal as the config states it, for the header. */
  goal: 'max' | 'min';
}

/** The objective of a run's config_json (its one schema: src/lineage/run-config.ts), or null when it names none. */
export function readObjective(configJson: string): Objective | null {
  const objective = readRunConfig(configJson).objective;
  return objective ? { metric: objective.metric, goal: objective.goal, higherIsBetter: objective.goal === 'max' } : null;
}

/** Metric values of one candidate, by name, in the order they were recorded. */
export type CandidateMetrics = Map<string, number | string>;

function hasMetricsTable(db: Database.Database): boolean {
  const row = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'metrics'`).get();
  if (!row) return false;
  const columns = new Set((db.prepare(`SELECT name FROM pragma_table_info('metrics')`).pluck().all() as string[]));
  return ['run_id', 'candidate_id', 'name', 'value'].every((c) => columns.has(c));
}

/** Every metric of the run, by candidate id; empty when the database has no metrics table. */
export function readMetrics(db: Database.Database, runId: string): Map<string, CandidateMetrics> {
  const out = new Map<string, CandidateMetrics>();
  if (!hasMetricsTable(db)) return out;
  const rows = db.prepare(`SELECT candidate_id, name, value FROM metrics WHERE run_id = ? ORDER BY rowid`).raw(true).all(runId) as [unknown, unknown, unknown][];
  for (const [candidate, name, value] of rows) {
    if (typeof candidate !== 'string' || typeof name !== 'string') continue;
    const shown = typeof value === 'number' || typeof value === 'string' ? value : typeof value === 'bigint' ? Number(value) : null;
    if (shown === null) continue;
    let metrics = out.get(candidate);
    if (!metrics) out.set(candidate, (metrics = new Map()));
    metrics.set(name, shown);
  }
  return out;
}

/** A metric as a number, when it is one (a text value such as "12.5" counts). */
export function metricNumber(value: number | string | undefined): number | null {
  if (value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && (typeof value === 'number' || value.trim() !== '') ? n : null;
}
