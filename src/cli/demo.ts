/** `evolve demo`: the offline tour (src/demo). */
import type { Command } from 'commander';
import { PlainProgress, type RunObserver } from '../evolve/observer.ts';
import { UsageError } from '../errors.ts';
import { evolveCommand } from './self-command.ts';
import { liveRunView } from './watch.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('evolve a small sample repository for 5 generations with a scripted stand-in model: no key, no network')
    .option('--dir <dir>', 'where to create the sample repository (default: a new temporary directory)')
    .option('--population <n>', 'children per generation', '3')
    .option('--generations <n>', 'generations after the seed', '5')
    .option('--no-tui', 'plain progress lines on stderr instead of the live view')
    .option('--verbose', 'more progress lines, and stack traces on errors')
    .action(async (opts: { dir?: string; population: string; generations: string; tui: boolean; verbose?: boolean }) => {
      // The runner, the stand-in model and the sample repository: loaded when the demo runs, not at start-up.
      const [{ nextSteps, runDemo }, { RunOptions }] = await Promise.all([import('../demo/run-demo.ts'), import('../evolve/config.ts')]);
      // The same counts as `evolve run` takes, checked by the same schema (one message for one mistake).
      const counts = RunOptions.pick({ population: true, generations: true }).safeParse({ population: opts.population, generations: opts.generations });
      if (!counts.success) throw new UsageError(`${counts.error.issues[0].message} (got "${String(counts.error.issues[0].path[0] === 'population' ? opts.population : opts.generations)}")`);
      const population = counts.data.population ?? 3;
      const generations = counts.data.generations ?? 5;
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.on('SIGINT', onSigint);
      let observer: RunObserver | undefined;
      try {
        const result = await runDemo({
          dir: opts.dir, population, generations, signal: abort.signal,
          observer: {
            // The live view needs the database path, which exists once the sample repository does.
            log: (line) => (observer ?? plain(opts.verbose)).log?.(line),
            event: (e) => observer?.event?.(e),
            runFinished: (s) => observer?.runFinished?.(s),
          },
          onDatabase: (db) => {
            observer = opts.tui && process.stderr.isTTY ? liveRunView({ db }) : plain(opts.verbose);
          },
        });
        // After the live view has closed and printed the summary: written while it is up, its next frame erases them.
        await observer?.settled?.();
        for (const line of nextSteps(result, evolveCommand())) process.stderr.write(`evolve: ${line}\n`);
        process.exitCode = result.summary.status === 'failed' ? 1 : 0;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

function plain(verbose?: boolean): RunObserver {
  return new PlainProgress((t) => process.stderr.write(t), verbose);
}

