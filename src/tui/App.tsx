import { useInput, useStdin } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { LogLine } from './activity.ts';
import { Screen } from './components/Screen.tsx';
import { mergeLog, type LogFeed } from './feed.ts';
import { useLineage, useTerminalSize } from './hooks.ts';
import { screenModel } from './screen.ts';
import type { LineageSource } from './source.ts';
import { colorsEnabled } from './theme.ts';
import { initialView, keyPresses, onData, reduceKey, type ViewContext, type ViewState } from './view.ts';

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
  const { model, version, frame, now } = useLineage(source, runId, pollMs, clock);
  const [view, setView] = useState<ViewState>(initialView);
  const notes = useSyncExternalStore((feed ?? noFeed).subscribe, (feed ?? noFeed).lines);
  const log = useRef<readonly LogLine[]>([]);
  // The runner's lines wait for a read of the database made after them, so that they follow the events before them.
  log.current = mergeLog(log.current, model.log, notes, model.run.status === 'running' ? model.readAt : Infinity);
  // Without a terminal on stdin (keys cannot be read) the view still draws; it just does not listen.
  const { isRawModeSupported } = useStdin();

  const best = model.best();
  const newestId = model.newestCandidateId;
  const topRef = useRef(0);
  const screen = screenModel(model, view, best, size, topRef.current, now);
  topRef.current = screen.top;

  const ctx: ViewContext = {
    layout: model.layout, bestId: best?.id ?? null, newestId,
    canStop: !!onStopRequest && model.run.status === 'running', pageSize: screen.treeHeight,
  };
  const latest = useRef({ view, ctx });
  latest.current = { view, ctx };

  useEffect(() => {
    setView((v) => onData(v, latest.current.ctx));
  }, [version, newestId]);

  useEffect(() => {
    if (closeWhenFinished && model.run.status !== 'running') onQuit();
  }, [closeWhenFinished, model.run.status]);

  useInput((input, key) => {
    for (const press of keyPresses(input, key)) {
      const { view: current, ctx: context } = latest.current;
      const { state, effect } = reduceKey(current, press, context);
      latest.current = { view: state, ctx: context };
      setView(state);
      if (effect === 'stop') onStopRequest?.();
      if (effect === 'stop' || effect === 'quit') return onQuit();
    }
  }, { isActive: isRawModeSupported });

  return (
    <Screen model={screen} log={log.current} selectedId={view.selectedId} bestId={best?.id ?? null} frame={frame}
      follow={view.follow} confirmingStop={view.confirmingStop} prompt={view.prompt} message={view.message}
      notice={model.error ? `database: ${model.error}` : null}
      colors={colors ?? colorsEnabled()} logEpoch={redrawEpoch} />
  );
}
