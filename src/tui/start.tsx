import { render } from 'ink';
import { App } from './App.tsx';
import { openSource } from './source.ts';

export interface StartTuiOptions {
  /** The lineage.db the run writes (the TUI opens its own read-only connection). */
  dbPath: string;
  runId: string;
  /**
   * During a run: called once when the user presses q (or Ctrl+C) and answers y to "Stop the run? (y/n)". The
   * TUI then unmounts; stopping is the runner's job. Without it, q leaves at once (that is `evolve watch`).
   */
  onStopRequest?: () => void;
  pollMs?: number;
  /** Print console.* output above the view instead of through it (default true). */
  patchConsole?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export interface TuiHandle {
  /** Resolves when the view is left (q, a confirmed stop, or `unmount`). */
  waitUntilExit(): Promise<void>;
  /** Leaves the view, e.g. when the run has finished; the last frame stays on the screen. */
  unmount(): void;
}

/**
 * Shows the live lineage view of `runId`. Throws UsageError when the database or the run cannot be read.
 * The caller needs a TTY on stdin and stdout (check before calling; `evolve watch` prints a snapshot otherwise).
 */
export function startTui(opts: StartTuiOptions): TuiHandle {
  const source = openSource(opts.dbPath);
  try {
    source.resolveRun(opts.runId);
  } catch (err) {
    source.close();
    throw err;
  }
  let leave = () => {};
  const instance = render(
    <App source={source} runId={opts.runId} pollMs={opts.pollMs} onQuit={() => leave()} onStopRequest={opts.onStopRequest} />,
    { stdout: opts.stdout, stdin: opts.stdin, exitOnCtrlC: !opts.onStopRequest, maxFps: 10, patchConsole: opts.patchConsole ?? true },
  );
  leave = () => instance.unmount();
  const done = instance.waitUntilExit().then(() => undefined, () => undefined).finally(() => source.close());
  return { waitUntilExit: () => done, unmount: () => instance.unmount() };
}
