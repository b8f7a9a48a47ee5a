import { useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { LineageModel } from './model.ts';
import type { LineageSource } from './source.ts';

/** What a frame draws from: the model (patched in place) and the poll's counters. */
export interface LineageFrame {
  model: LineageModel;
  /** The model's version: moves whenever it changed. */
  version: number;
  /** Advances once per poll while the run is live: drives the spinners and the elapsed clock. */
  frame: number;
  now: number;
}

/**
 * The run as React state, polled every `pollMs` (≤ 10 Hz). A poll reads only what changed (LineageModel.poll) and
 * causes one render at most, so a burst of writes costs one render; a finished run with nothing new costs none.
 */
export function useLineage(source: LineageSource, runId: string, pollMs: number, clock: () => number): LineageFrame {
  const model = useRef<LineageModel | null>(null);
  if (!model.current || model.current.runId !== runId || model.current.source !== source) {
    model.current = new LineageModel(source, runId);
  }
  const [tick, setTick] = useState(() => ({ version: model.current!.version, frame: 0, now: clock() }));
  useEffect(() => {
    const m = model.current!;
    const timer = setInterval(() => {
      const changed = m.poll();
      const live = m.run.status === 'running' || m.tally.totals().running > 0;
      if (changed || live) {
        setTick((t) => ({ version: m.version, frame: live ? t.frame + 1 : t.frame, now: live ? clock() : t.now }));
      }
    }, Math.max(100, pollMs));
    return () => clearInterval(timer);
  }, [source, runId, pollMs, clock]);
  return { model: model.current, ...tick };
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
