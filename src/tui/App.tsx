import { useInput, useStdin } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { LogLine } from './activity.ts';
import { Screen } from './components/Screen.tsx';
import { mergeLog, type LogFeed } from './feed.ts';
import { useLineage, useTerminalSize } from './hooks.ts';
import { screenModel } from './screen.ts';
import type { LineageSource } from './source.ts';
import { bestCandidate } from '../lineage/best.ts';
import { newestActivity } from './stats.ts';
import { colorsEnabled } from './theme.ts';
import { buildForest, flatten } from './tree.ts';
import { initialView, keyNames, onData, reduceKey, type ViewContext, type ViewState } from './view.ts';

export interface AppProps {
  source: LineageSource;
  runId: string;
  /** Leave the view. `evolve watch` exits; during a run the runner unmounts the TUI. */
  onQuit: () => void;
  /** During a run only: called when the user answers y to "Stop the run?". Without it, q leaves at once. */
  onStopRequest?: () => void;
  /** Leave the view by itself once the run is no longer running (during `evolve run`, also when it fails). */
  closeWhenFinished?: boolean;
  /** Lines from outside the database (the runner's messages), shown with the log. */
  feed?: LogFeed;
  pollMs?: number;
  width?: number;
  height?: number;
  colors?: boolean;
  clock?: () => number;
  /** Bumped after a resize once the screen was cleared (redraw.ts): the log's last lines are printed again. */
  redrawEpoch?: number;
}

const systemClock = () => Date.now();
const NO_LINES: readonly LogLine[] = [];
const noFeed = { subscribe: () => () => {}, lines: () => NO_LINES };

/** The live view: polls the database, keeps the view state, maps keys; the drawing is `Screen`'s. */
export function App({ source, runId, onQuit, onStopRequest, closeWhenFinished, feed, pollMs = 250, width, height, colors, clock = systemClock, redrawEpoch = 0 }: AppProps) {
  const size = useTerminalSize(width, height);
  const data = useLineage(source, runId, pollMs, clock);
  const [view, setView] = useState<ViewState>(initialView);
  const notes = useSyncExternalStore((feed ?? noFeed).subscribe, (feed ?? noFeed).lines);
  const log = useRef<readonly LogLine[]>([]);
  // The runner's lines wait for a read of the database made after them, so that they follow the events before them.
  log.current = mergeLog(log.current, data.digest.log, notes, data.run.status === 'running' ? data.readAt : Infinity);
  // Without a terminal on stdin (keys cannot be read) the view still draws; it just does not listen.
  const { isRawModeSupported } = useStdin();

  const forest = useMemo(() => buildForest(data.candidates), [data.candidates]);
  const rows = useMemo(() => flatten(forest, view.folded), [forest, view.folded]);
  const best = useMemo(() => bestCandidate(data.candidates), [data.candidates]);
  const newestId = data.digest.newestCandidateId ?? newestActivity(data.candidates)?.id ?? null;
  const topRef = useRef(0);
  const model = screenModel(data, view, rows, best, size, topRef.current);
  topRef.current = model.top;

  const ctx: ViewContext = {
    forest, candidates: data.candidates, bestId: best?.id ?? null, newestId,
    canStop: !!onStopRequest && data.run.status === 'running', pageSize: model.treeHeight,
  };
  const latest = useRef({ view, ctx });
  latest.current = { view, ctx };

  useEffect(() => {
    setView((v) => onData(v, latest.current.ctx));
  }, [data.candidates, newestId]);

  useEffect(() => {
    if (closeWhenFinished && data.run.status !== 'running') onQuit();
  }, [closeWhenFinished, data.run.status]);

  useInput((input, key) => {
    for (const name of keyNames(input, key)) {
      const { view: current, ctx: context } = latest.current;
      const { state, effect } = reduceKey(current, name, context);
      latest.current = { view: state, ctx: context };
      setView(state);
      if (effect === 'stop') onStopRequest?.();
      if (effect === 'stop' || effect === 'quit') return onQuit();
    }
  }, { isActive: isRawModeSupported });

  return (
    <Screen model={model} log={log.current} selectedId={view.selectedId} bestId={best?.id ?? null} frame={data.frame}
      follow={view.follow} confirmingStop={view.confirmingStop} notice={data.error ? `database: ${data.error}` : null}
      colors={colors ?? colorsEnabled()} logEpoch={redrawEpoch} />
  );
}
