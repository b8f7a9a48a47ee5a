import { render } from 'ink';
import { App } from './App.tsx';
import { LogFeed } from './feed.ts';
import { redrawAfterResize } from './redraw.ts';
import { openSource } from './source.ts';

export interface StartTuiOptions {
  /** The lineage.db the run writes (the TUI opens its own read-only connection). */
  dbPath: string;
  /** Default: the latest run that is still running (else the latest run). */
  runId?: string;
  /**
   * During a run: called once when the user presses q (or Ctrl+C) and answers y to "Stop the run? (y/n)". The
   * TUI then unmounts; stopping is the runner's job. Without it, q leaves at once (that is `evolve watch`).
   */
  onStopRequest?: () => void;
  /** Leave the view once the run is no longer running (done, stopped or failed). Default: with onStopRequest. */
  closeWhenFinished?: boolean;
  pollMs?: number;
  /** Print console.* output above the view instead of through it (default true). */
  patchConsole?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Runner lines said before the view opened: in the first frame's log, in time order with the events. */
  notes?: readonly { line: string; at: Date }[];
}

export interface TuiHandle {
  /** Resolves when the view is left (q, a confirmed stop, or `unmount`). */
  waitUntilExit(): Promise<void>;
  /** Leaves the view, e.g. when the run has finished; the last frame stays on the screen. */
  unmount(): void;
  /** Shows a line of the runner's own progress with the log above the live area (`at`: when it was said, default now). */
  note(line: string, at?: Date): void;
  /** The run shown. */
  readonly runId: string;
}

/**
 * Shows the live lineage view of a run. Throws UsageError when the database or the run cannot be read.
 * `stdout` must be a terminal (check before calling); keys are read only when `stdin` is one too.
 */
/** Ink patches console through console.Console, which some hosts (test runners) replace without it. */
const canPatchConsole = () => typeof (console as { Console?: unknown }).Console === 'function';

export function startTui(opts: StartTuiOptions): TuiHandle {
  const source = openSource(opts.dbPath);
  let runId: string;
  try {
    runId = opts.runId ? source.resolveRun(opts.runId).id : source.activeRun().id;
  } catch (err) {
    source.close();
    throw err;
  }
  const feed = new LogFeed();
  for (const { line, at } of opts.notes ?? []) feed.push(line, 'info', at);
  let leave = () => {};
  const view = (redrawEpoch: number) => (
    <App source={source} runId={runId} feed={feed} pollMs={opts.pollMs} redrawEpoch={redrawEpoch}
      closeWhenFinished={opts.closeWhenFinished ?? !!opts.onStopRequest} onQuit={() => leave()} onStopRequest={opts.onStopRequest} />
  );
  const instance = render(view(0),
    { stdout: opts.stdout, stdin: opts.stdin, exitOnCtrlC: !opts.onStopRequest, maxFps: 10, patchConsole: opts.patchConsole ?? canPatchConsole() },
  );
  const stopRedrawing = redrawAfterResize(opts.stdout ?? process.stdout, instance, (epoch) => instance.rerender(view(epoch)));
  leave = () => instance.unmount();
  const done = instance.waitUntilExit().then(() => undefined, () => undefined).finally(() => {
    stopRedrawing();
    source.close();
  });
  return { runId, waitUntilExit: () => done, unmount: () => instance.unmount(), note: (line, at) => feed.push(line, 'info', at) };
}
