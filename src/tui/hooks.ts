import { useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { CandidateRow, RunRow } from '../lineage/schema.ts';
import { applyEvents, emptyDigest, type ActivityDigest } from './activity.ts';
import { parseRunConfig, type RunConfigView } from './config.ts';
import type { LineageSource } from './source.ts';
import { isActive } from './stats.ts';

export interface LineageState {
  run: RunRow;
  config: RunConfigView;
  candidates: CandidateRow[];
  digest: ActivityDigest;
  /** Advances once per poll while the run is live: drives the spinners and the elapsed clock. */
  frame: number;
  now: number;
  error: string | null;
}

/** Reads everything once; then, while polling, only when data_version says another connection committed. */
export function loadLineage(source: LineageSource, runId: string, prev: LineageState | null, now: number): LineageState {
  if (prev && !source.changed()) return prev;
  const data = source.read(runId, prev?.digest.lastEventId ?? 0);
  const config = prev && prev.run.config_json === data.run.config_json ? prev.config : parseRunConfig(data.run.config_json);
  return {
    run: data.run, config, candidates: data.candidates, digest: applyEvents(prev?.digest ?? emptyDigest(), data.events),
    frame: prev?.frame ?? 0, now, error: null,
  };
}

/**
 * The run as React state, polled every `pollMs` (≤ 10 Hz). One state update per poll at most, so a burst of
 * writes costs one render; a finished run with nothing new costs none.
 */
export function useLineage(source: LineageSource, runId: string, pollMs: number, clock: () => number): LineageState {
  const [state, setState] = useState<LineageState>(() => {
    source.changed();
    return loadLineage(source, runId, null, clock());
  });
  const ref = useRef(state);
  useEffect(() => {
    const timer = setInterval(() => {
      const prev = ref.current;
      let next: LineageState;
      try {
        next = loadLineage(source, runId, prev, clock());
      } catch (err) {
        next = { ...prev, error: err instanceof Error ? err.message : String(err) };
      }
      const live = next.run.status === 'running' || next.candidates.some(isActive);
      if (live) next = { ...next, frame: prev.frame + 1, now: clock() };
      if (next !== prev) {
        ref.current = next;
        setState(next);
      }
    }, Math.max(100, pollMs));
    return () => clearInterval(timer);
  }, [source, runId, pollMs, clock]);
  return state;
}

/** The terminal's size, following 'resize'; explicit sizes (tests, the bench) win. */
export function useTerminalSize(width?: number, height?: number): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout?.columns || 80, rows: stdout?.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (!stdout || typeof stdout.on !== 'function') return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return { columns: width ?? size.columns, rows: height ?? size.rows };
}
