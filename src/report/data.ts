import type Database from 'better-sqlite3';
import type { CandidateRow, RunRow } from '../lineage/schema.ts';
import { readRunConfig, runConfigObject } from '../lineage/run-config.ts';
import type { LineageStore } from '../lineage/store.ts';
import type { GenerationStats } from '../lineage/types.ts';
import { readDiffs, type DiffLimits, type DiffRequest, type DiffResult, DEFAULT_DIFF_LIMITS } from './diffs.ts';
import { metricNumber, readMetrics, readObjective, type CandidateMetrics, type Objective } from './metrics.ts';

/** Everything the page shows, read from one snapshot of lineage.db and the target's git repository. */
export interface ReportData {
  run: RunRow;
  /** runs.config_json, everything the run recorded (`{}` when it is not a JSON object). */
  config: Record<string, unknown>;
  /** The stand-in label when the run used the bundled stand-in model instead of a real one. */
  standin: string | null;
  model: string | null;
  /** Candidates by generation, then insertion order. */
  candidates: CandidateRow[];
  stats: GenerationStats[];
  best: CandidateRow | undefined;
  /** Ids from the seed to the best candidate. */
  bestPath: Set<string>;
  metrics: Map<string, CandidateMetrics>;
  objective: Objective | null;
  diffs: Map<string, DiffResult>;
  /** When the page was made (ISO-8601 UTC). */
  generatedAt: string;
}

/** The value the charts plot for a candidate: the objective metric when the run has one, else the score. */
export function plotted(data: Pick<ReportData, 'objective' | 'metrics'>, c: CandidateRow): number | null {
  if (data.objective) return metricNumber(data.metrics.get(c.id)?.get(data.objective.metric));
  return c.score !== null && Number.isFinite(c.score) ? c.score : null;
}


/** What a candidate's diff is measured against: its recorded base commit, else its parent's commit. */
function diffRequests(candidates: readonly CandidateRow[], bestPath: Set<string>): DiffRequest[] {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const requests: DiffRequest[] = [];
  for (const c of candidates) {
    if (c.parent_id === null || c.commit_sha === null) continue;
    const base = c.base_commit ?? byId.get(c.parent_id)?.commit_sha ?? null;
    if (base !== null) requests.push({ candidateId: c.id, base, commit: c.commit_sha });
  }
  // The page's diff budget goes first to the best path, then to the survivors, then to the rest.
  const rank = (r: DiffRequest) => (bestPath.has(r.candidateId) ? 0 : byId.get(r.candidateId)!.survived ? 1 : 2);
  return requests.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map(({ r }) => r);
}

/**
 * Reads the run from the store (inside one read transaction, so the parts agree), then its diffs from git.
 * `db` is the store's own connection, for the optional metrics table.
 */
export async function loadReport(
  store: LineageStore, db: Database.Database, run: RunRow, options: { diffLimits?: DiffLimits; now?: Date } = {},
): Promise<ReportData> {
  const read = store.snapshot(() => {
    const best = store.bestCandidate(run.id);
    return {
      candidates: store.candidates(run.id),
      stats: store.generationStats(run.id),
      best,
      bestPath: new Set(best ? store.ancestryIds(best.id) : []),
      metrics: readMetrics(db, run.id),
    };
  });
  const stored = readRunConfig(run.config_json);
  const diffs = await readDiffs(run.target, diffRequests(read.candidates, read.bestPath), options.diffLimits ?? DEFAULT_DIFF_LIMITS);
  return {
    run, config: runConfigObject(run.config_json), ...read, diffs,
    standin: stored.standin ? stored.standinLabel ?? 'stand-in model' : null,
    model: stored.model ?? null,
    objective: readObjective(run.config_json),
    generatedAt: (options.now ?? new Date()).toISOString(),
  };
}
