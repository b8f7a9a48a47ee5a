/**
 * `evolve worker --queue redis://<host>:<port> [--concurrency <n>] [--name <id>]` (contract 6): runs candidates for
 * any runner that enqueues to that queue. It holds no API key: its jails' model calls go to the runner's proxy.
 * `evolve worker-job` (hidden) is the process each of its jobs runs in.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

/** The flags, parsed once (zod, and the queue with BullMQ, are loaded when the command runs, not at start-up). */
const workerFlags = async () => {
  const { z } = await import('zod');
  return z.object({
    queue: z.string({ message: '--queue redis://<host>:<port> is required' }),
    concurrency: z.preprocess((v) => (typeof v === 'string' ? Number(v) : v),
      z.number({ message: '--concurrency must be a number' }).int('--concurrency must be a whole number').min(1, '--concurrency must be at least 1')).default(1),
    name: z.string().regex(/^[\w.@-]{1,64}$/, '--name: letters, digits, . _ @ - (at most 64)').optional(),
    workdir: z.string().optional(),
    unsafeNoSandbox: z.boolean().default(false),
  });
};

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run candidates for a runner on another machine (evolve run --queue): pulls jobs from Redis')
    .option('--queue <url>', 'the queue: redis://<host>:<port>')
    .option('--concurrency <n>', 'candidates run at once (default: 1)')
    .option('--name <id>', 'this worker\'s name in lineage.db (default: <hostname>-<pid>)')
    .option('--workdir <dir>', 'where workspaces and the object cache go (default: <tmp>/evolve-worker-<name>)')
    .option('--unsafe-no-sandbox', 'also run candidates of runs started with --unsafe-no-sandbox, unjailed (refused otherwise)')
    .action(async (opts: Record<string, unknown>) => {
      const parsed = (await workerFlags()).safeParse(opts);
      if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
      const o = parsed.data;
      const [{ parseQueueUrl }, { defaultWorkerName, runWorker }] = await Promise.all([
        import('../evolve/queue/protocol.ts'), import('../evolve/queue/worker.ts'),
      ]);
      parseQueueUrl(o.queue);
      const name = o.name ?? defaultWorkerName();
      const workdir = path.resolve(o.workdir ?? path.join(tmpdir(), `evolve-worker-${name}`));
      try {
        mkdirSync(workdir, { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new UsageError(`--workdir ${workdir}: cannot create it (${(err as NodeJS.ErrnoException).code})`);
      }
      const log = (line: string) => process.stderr.write(`${line}\n`);
      if (process.env.ANTHROPIC_API_KEY) log(`${name}: ANTHROPIC_API_KEY is set here but never used: a worker's candidates call the runner's proxy`);
      const abort = new AbortController();
      const stop = () => {
        if (abort.signal.aborted) process.exit(130);
        log(`${name}: stopping: running candidates go back to the queue (again to exit at once)`);
        abort.abort();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        await runWorker({ queue: o.queue, concurrency: o.concurrency, name, workdir, unsafeNoSandbox: o.unsafeNoSandbox, log }, abort.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
  program
    .command('worker-job', { hidden: true })
    .description('one job of evolve worker (started by it over IPC)')
    .action(async () => {
      const { serveJobProcess } = await import('../evolve/queue/job-process.ts');
      process.exitCode = await serveJobProcess();
    });
}
