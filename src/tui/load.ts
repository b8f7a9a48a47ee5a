import type { CandidateRow, RunRow } from '../lineage/schema.ts';
import { applyEvents, emptyDigest, type ActivityDigest } from './activity.ts';
import { parseRunConfig, type RunConfigView } from './config.ts';
import type { LineageSource } from './source.ts';

export interface LineageState {
  run: RunRow;
  config: RunConfigView;
  candidates: CandidateRow[];
  digest: ActivityDigest;
  /** Advances once per poll while the run is live: drives the spinners and the elapsed clock. */
  frame: number;
  now: number;
  /** When the database was last read (wall clock, like the runner's log lines): the view's log waits for it. */
  readAt: number;
  error: string | null;
}

/**
 * Reads everything once; then, while polling, only when data_version says another connection committed (or the
 * last read failed, so that a passing problem, e.g. a busy database, heals on the next poll).
 */
export function loadLineage(source: LineageSource, runId: string, prev: LineageState | null, now: number): LineageState {
  if (!prev) source.changed(); // note the version this first read starts from
  else if (!prev.error && !source.changed()) return prev;
  const data = source.read(runId, prev?.digest.lastEventId ?? 0);
  const config = prev && prev.run.config_json === data.run.config_json ? prev.config : parseRunConfig(data.run.config_json);
  return {
    run: data.run, config, candidates: data.candidates, digest: applyEvents(prev?.digest ?? emptyDigest(), data.events),
    frame: prev?.frame ?? 0, now, readAt: Date.now(), error: null,
  };
}
