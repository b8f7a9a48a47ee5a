/**
 * `evolve worker`: pulls candidate jobs from the queue and runs each in a process of its own (`evolve worker-job`),
 * so that nothing a candidate's run does on its event loop can delay the renewal of the job's lock. When the lock
 * is lost (Redis gone, the job given to another worker) the job's process is told to stop and its jail dies with it;
 * when the worker is stopped (Ctrl-C, SIGTERM) its jobs go back to the queue at once, not counted as failures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { Worker, WaitingError, type Job } from 'bullmq';
import { EVOLVE_HOME } from '../../home.ts';
import { createJailSandbox } from '../jail/jail.ts';
import { JobData, JobProgress, JobResult, LOCK_MS, MAX_STALLED, QUEUE_NAME, STALLED_CHECK_MS, parseQueueUrl } from './protocol.ts';
import type { JobInput } from './job.ts';
import { settleWithin } from './abortable.ts';

export interface WorkerOptions {
  queue: string;
  concurrency: number;
  name?: string;
  workdir: string;
  unsafeNoSandbox: boolean;
  log: (line: string) => void;
}

/** What the job's process sends back over IPC. */
type FromJob = { type: 'progress'; progress: JobProgress } | { type: 'result'; result: unknown } | { type: 'failed'; message: string };

/** Grace for a stopped job's process to kill its jail and exit before it is killed. */
const STOP_GRACE_MS = 10_000;

export const defaultWorkerName = (): string => `${hostname()}-${process.pid}`;

/** Runs until `signal` aborts; resolves once every job it held is back in the queue or finished. */
export async function runWorker(o: WorkerOptions, signal: AbortSignal): Promise<void> {
  const name = o.name ?? defaultWorkerName();
  // A machine that cannot jail is found out now, not on every job (a --unsafe-no-sandbox worker may still jail).
  const jailLimits = o.unsafeNoSandbox ? null : (await createJailSandbox(o.workdir)).limits;
  const connection = { ...parseQueueUrl(o.queue), maxRetriesPerRequest: null };
  let redisDown = false;
  const pool = new JobProcesses(o.concurrency);
  const worker = new Worker(QUEUE_NAME, (job, token, jobSignal) => runInProcess(job, token, jobSignal!), {
    connection, concurrency: o.concurrency, name, autorun: false,
    lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: MAX_STALLED,
    // An idle worker's wait for the next job: one job added wakes one waiting worker, the others see theirs only when
    // their wait ends (5 s by default), so jobs enqueued together started up to 5 s apart.
    drainDelay: 1,
  });

  async function runInProcess(job: Job, token: string | undefined, jobSignal: AbortSignal): Promise<unknown> {
    const data = JobData.parse(job.data);
    o.log(`${name}: candidate ${data.candidateId} (run ${data.runId}, generation ${data.generation}), try ${job.attemptsStarted}`);
    const input: JobInput = { data, attemptsStarted: job.attemptsStarted, worker: name, workdir: o.workdir, unsafeNoSandbox: o.unsafeNoSandbox, jailLimits };
    const outcome = await inChildProcess(pool, input, jobSignal, (p) => void job.updateProgress(p).catch(() => {}));
    if (signal.aborted) {
      // Stopped, not failed: back to the queue for another worker, this try not counted against the job.
      await job.moveToWait(token).catch(() => {});
      throw new WaitingError();
    }
    if (jobSignal.aborted) throw new Error(`${name} lost the job's lock (${String(jobSignal.reason ?? 'lock lost')}); its jail was stopped`);
    if (outcome.type === 'failed') throw new Error(outcome.message);
    const result = JobResult.parse(outcome.result);
    o.log(`${name}: candidate ${data.candidateId} ${String(result.patch.status ?? 'done')}${result.patch.error ? `: ${String(result.patch.error)}` : ''}`);
    return result;
  }

  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) {
      o.log(`${name}: lost the lock of candidate ${id} (another worker may run it); stopping its jail`);
      worker.cancelJob(id, 'lock lost');
    }
  });
  worker.on('stalled', (id: string) => o.log(`${name}: candidate ${id} lost its worker; back in the queue`));
  worker.on('error', (err) => {
    const down = /ECONNREFUSED|ECONNRESET|Connection is closed|ETIMEDOUT|EHOSTUNREACH/.test(err.message);
    if (down && !redisDown) o.log(`${name}: the queue at ${o.queue} cannot be reached (${err.message}); retrying`);
    if (!down) o.log(`${name}: ${err.message}`);
    redisDown = down;
  });
  worker.on('ready', () => {
    if (redisDown) o.log(`${name}: the queue is back`);
    redisDown = false;
  });
  worker.on('failed', (job, err) => { if (job && !(err instanceof WaitingError)) o.log(`${name}: job ${job.id} failed: ${err.message}`); });

  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  o.log(`${name}: waiting for candidates on ${o.queue} (${o.concurrency} at once, workspaces in ${o.workdir})`);
  const running = worker.run();
  await Promise.race([stopped, running]);
  worker.cancelAllJobs('worker stopping');
  // With Redis gone, closing would wait for it forever: the jobs are stopped, so give up on it after a grace.
  await settleWithin(worker.close(), STOP_GRACE_MS);
  await settleWithin(running, 1000);
  pool.close();
  await worker.disconnect().catch(() => {});
}

/**
 * Job processes started ahead of their jobs, one per slot: a process takes a second or more to load evolve, and a
 * waiting one takes that off each job's critical path. Each still runs exactly one job.
 */
class JobProcesses {
  private readonly spares: ChildProcess[] = [];
  private closed = false;

  constructor(private readonly size: number) {
    for (let i = 0; i < size; i++) this.spares.push(JobProcesses.start());
  }

  private static start(): ChildProcess {
    // The worker holds no API key, and its job processes get none either.
    const { ANTHROPIC_API_KEY: _key, ...env } = process.env;
    const child = fork(path.join(EVOLVE_HOME, 'bin', 'evolve.mjs'), ['worker-job'], {
      env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced',
    });
    child.on('error', () => {});
    return child;
  }

  take(): ChildProcess {
    const ready = this.spares.findIndex((c) => c.exitCode === null && c.signalCode === null && c.connected);
    const child = ready >= 0 ? this.spares.splice(ready, 1)[0] : JobProcesses.start();
    if (!this.closed && this.spares.length < this.size) this.spares.push(JobProcesses.start());
    return child;
  }

  close(): void {
    this.closed = true;
    for (const c of this.spares.splice(0)) c.kill('SIGKILL');
  }
}

/** Runs one job in a job process; `stop` aborting tells it to stop (and kills it after a grace). */
function inChildProcess(pool: JobProcesses, input: JobInput, stop: AbortSignal, onProgress: (p: JobProgress) => void): Promise<FromJob & { type: 'result' | 'failed' }> {
  return new Promise((resolve) => {
    const child = pool.take();
    let settled: (FromJob & { type: 'result' | 'failed' }) | null = null;
    let killer: NodeJS.Timeout | undefined;
    const onStop = () => {
      if (child.connected) child.send({ type: 'stop' });
      killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    };
    stop.addEventListener('abort', onStop, { once: true });
    child.on('message', (m: FromJob) => {
      if (m.type === 'progress') onProgress(JobProgress.parse(m.progress));
      else settled = m;
    });
    child.on('exit', (code, sig) => {
      stop.removeEventListener('abort', onStop);
      clearTimeout(killer);
      resolve(settled ?? { type: 'failed', message: `the job process ended (${sig ?? `exit ${code}`}) before it reported` });
    });
    child.send({ type: 'run', input });
  });
}
