import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openSource } from '../tui/source.ts';

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
  const source = openSource(resolve(opts.db));
  try {
    const run = source.resolveRun(opts.run);
    if (!io.stdout.isTTY || !io.stdin.isTTY) {
      const { snapshotText } = await import('../tui/snapshot.ts');
      io.stderr.write('evolve watch: no terminal, so this is a one-shot snapshot (run it in a terminal for the live view)\n');
      io.stdout.write(snapshotText(source, run.id, { width: io.stdout.columns }));
      return;
    }
    // React's development build is several times slower; nobody watching a run wants it. Loaded lazily so that
    // the other commands never pay for Ink and React.
    process.env.NODE_ENV ??= 'production';
    const [{ render }, { createElement }, { App }] = await Promise.all([
      import('ink'), import('react'), import('../tui/App.tsx'),
    ]);
    let leave = () => {};
    const app = render(createElement(App, { source, runId: run.id, onQuit: () => leave() }), {
      stdout: io.stdout, stdin: io.stdin, stderr: io.stderr, maxFps: 10,
    });
    leave = () => app.unmount();
    await app.waitUntilExit();
  } finally {
    source.close();
  }
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('Show the live lineage tree of a run (during or after it); it only reads the database')
    .option('--db <file>', 'the lineage database', './lineage.db')
    .option('--run <id>', 'the run to show (default: the latest)')
    .action(async (opts: WatchOptions) => {
      await watch(opts);
    });
}
