import { useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { loadLineage, type LineageState } from './load.ts';
import type { LineageSource } from './source.ts';
import { isActive } from './stats.ts';

export type { LineageState } from './load.ts';

/**
 * The run as React state, polled every `pollMs` (≤ 10 Hz). One state update per poll at most, so a burst of
 * writes costs one render; a finished run with nothing new costs none.
 */
export function useLineage(source: LineageSource, runId: string, pollMs: number, clock: () => number): LineageState {
  const [state, setState] = useState<LineageState>(() => loadLineage(source, runId, null, clock()));
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
      if (live) next = { ...next, frame: prev.frame + 1, now: clock(), readAt: Date.now() };
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
