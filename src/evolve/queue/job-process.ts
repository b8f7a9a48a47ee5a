/**
 * `evolve worker-job` (hidden): the process one job runs in, started by `evolve worker` with the job over IPC. It
 * ends with its worker: when the IPC channel closes (the worker was killed, even with SIGKILL) the candidate is
 * stopped — its jail dies with this process — so an orphan never goes on calling the model or pushing a branch.
 */
import { runJob, type JobInput } from './job.ts';
import type { JobProgress } from './protocol.ts';

type ToJob = { type: 'run'; input: JobInput } | { type: 'stop' };

/** How long a job whose worker is gone may take to stop its jail before this process exits anyway. */
const ORPHAN_GRACE_MS = 3_000;

export async function serveJobProcess(): Promise<number> {
  if (!process.send) throw new Error('evolve worker-job is started by evolve worker, with an IPC channel');
  const stop = new AbortController();
  process.on('disconnect', () => {
    stop.abort('the worker is gone');
    setTimeout(() => process.exit(1), ORPHAN_GRACE_MS).unref();
  });
  const input = await new Promise<JobInput>((resolve) => {
    process.on('message', (m: ToJob) => {
      if (m.type === 'run') resolve(m.input);
      else stop.abort('stopped by the worker');
    });
  });
  const send = (m: unknown) => {
    if (process.connected) process.send!(m);
  };
  try {
    const result = await runJob(input, stop.signal, (progress: JobProgress) => send({ type: 'progress', progress }));
    send({ type: 'result', result });
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
  if (process.connected) process.disconnect();
  return stop.signal.aborted ? 1 : 0;
}
