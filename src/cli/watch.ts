import { resolve } from 'node:path';
import type { Command } from 'commander';
import { PlainProgress, type RunObserver } from '../evolve/observer.ts';
import type { TuiHandle } from '../tui/start.tsx';

export interface WatchOptions {
  db: string;
  run?: string;
}

export interface WatchIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

/**
 * `evolve watch`: the live lineage view of a run, from any terminal, during or after the run. It only reads
 * lineage.db. Without a terminal it prints one plain-text snapshot instead (and says so on stderr).
 */
export async function watch(opts: WatchOptions, io: WatchIo = process): Promise<void> {
  const dbPath = resolve(opts.db);
  const { openSource } = await import('../tui/source.ts');
  const source = openSource(dbPath);
  let runId: string;
  try {
    runId = source.resolveRun(opts.run).id;
    if (!io.stdout.isTTY || !io.stdin.isTTY) {
      const { snapshotText } = await import('../tui/snapshot.ts');
      io.stderr.write('evolve watch: no terminal, so this is a one-shot snapshot (run it in a terminal for the live view)\n');
      io.stdout.write(snapshotText(source, runId, { width: io.stdout.columns }));
      return;
    }
  } finally {
    source.close();
  }
  // React's development build is several times slower; nobody watching a run wants it. Loaded lazily so that
  // the other commands never pay for Ink and React.
  process.env.NODE_ENV ??= 'production';
  const { startTui } = await import('../tui/start.tsx');
  // The view the runner opens during a run, without its stop question: q leaves.
  await startTui({ dbPath, runId, stdout: io.stdout, stdin: io.stdin }).waitUntilExit();
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('show the live lineage tree of a run (during or after it); it only reads the database')
    .option('--db <file>', 'the lineage database', './lineage.db')
    .option('--run <id>', 'the run to show (default: the latest)')
    .option('--verbose', 'explain errors in full')
    .action(async (opts: WatchOptions) => {
      await watch(opts);
    });
}

type LiveState = 'waiting' | 'starting' | 'live' | 'closing' | 'plain';

/**
 * The live view during `evolve run` (the runner's TuiFactory, see src/cli/run.ts): it opens once the run row exists
 * (the runner's "run <id>: …" line, or its first event), shows the runner's messages with the log, and closes when
 * the run finishes, after drawing its final state. Leaving it (q, then y) stops the run like Ctrl+C does in plain
 * mode: it sends this process SIGINT, which the runner handles. Before it opens, after it closes, or if it cannot
 * open, progress is plain lines on stderr.
 */
export function liveRunView(opts: { db: string }, io: WatchIo = process): RunObserver {
  const plain = new PlainProgress((text) => io.stderr.write(text));
  let state: LiveState = 'waiting';
  let view: TuiHandle | null = null;
  let closed: Promise<void> = Promise.resolve();
  // Lines said while the view loads, with the time they were said (the view's log is ordered by time).
  const early: { line: string; at: Date }[] = [];
  const fallBack = (err: unknown) => {
    state = 'plain';
    plain.log(`the live view could not start (${err instanceof Error ? err.message : String(err)}); plain progress follows`);
    for (const { line } of early.splice(0)) plain.log(line);
  };
  const open = (runId?: string) => {
    if (state !== 'waiting') return;
    state = 'starting';
    process.env.NODE_ENV ??= 'production';
    import('../tui/start.tsx').then(({ startTui }) => {
      if (state !== 'starting') return;
      view = startTui({
        dbPath: resolve(opts.db), runId, onStopRequest: () => process.kill(process.pid, 'SIGINT'),
        stdout: io.stdout.isTTY ? io.stdout : io.stderr, stdin: io.stdin, notes: early.splice(0),
      });
      state = 'live';
      void view.waitUntilExit().then(() => {
        if (state === 'live') state = 'plain';
      });
    }).catch(fallBack);
  };
  return {
    log(line) {
      const announced = /^run (\d{8}-\d{6}-[0-9a-f]{4}): /.exec(line);
      if (announced) open(announced[1]);
      if (state === 'live') view!.note(line);
      else if (state === 'starting') early.push({ line, at: new Date() });
      else plain.log(line);
    },
    event(e) {
      open();
      if (state === 'plain') plain.event(e);
    },
    runFinished(summary) {
      if (state !== 'live') {
        state = 'plain';
        plain.runFinished(summary);
        return;
      }
      // The view closes by itself once it has read the finished run (its last frame is the final state).
      state = 'closing';
      const live = view!;
      const deadline = setTimeout(() => live.unmount(), 3000);
      closed = live.waitUntilExit().then(() => {
        clearTimeout(deadline);
        state = 'plain';
        plain.runFinished(summary);
      });
    },
    settled: () => closed,
  };
}
