/**
 * The runner's side of `--queue`: each child becomes a BullMQ job whose id is the candidate's id, run by whichever
 * worker takes it; the runner keeps every other duty. It pushes the parent's commit to the shared remote before
 * enqueuing, admits the candidate at its own proxy (the job carries the token), follows the job (the worker's name,
 * the step, the attempt) into the row, and when the job completes fetches the candidate's branch into the target and
 * writes the worker's events and the row's verdict in one transaction. A job Redis lost (a restart without
 * persistence) is enqueued again; a result of an earlier enqueueing (before a --resume) is stale and is run again.
 */
import { randomUUID } from 'node:crypto';
import type { Queue, Job } from 'bullmq';
import type { CandidateRow } from '../../lineage/schema.ts';
import type { ChildExecutor, ChildPlan, ChildResult, RunJournal } from '../child.ts';
import type { RunConfig } from '../config.ts';
import type { ModelProxy } from '../ports.ts';
import type { Git } from '../repo/git.ts';
import type { ParentMeasure } from '../judge/evaluate.ts';
import type { RunEvent, RunObserver } from '../observer.ts';
import { JOB_ATTEMPTS, JobProgress, JobResult, RUNNER_ONLY_COLUMNS, type JobData } from './protocol.ts';
import { Interrupted, settleWithin, untilAborted } from './abortable.ts';

export interface QueueLink {
  queue: Queue;
  /** The git remote both sides reach, and whether it is the target itself. */
  remote: string;
  remoteIsTarget: boolean;
  /** Where workers reach the runner's proxy. */
  proxyUrl: string;
  observer?: RunObserver;
}

/** How often the runner looks at each job it waits for. */
const POLL_MS = 250;
/** The seed has no branch: its commit reaches the remote under this ref (refs/evolve/<run>/* go when the run ends). */
export const seedRef = (runId: string) => `refs/evolve/${runId}/seed`;

/** What handing children to workers uses: the whole frozen config (each job carries it), the proxy that admits them, git for the remote. */
export interface QueueDeps extends RunJournal {
  config: RunConfig;
  proxy: Pick<ModelProxy, 'admit' | 'dismiss'>;
  git: Pick<Git, 'fetch' | 'resolve' | 'pushRefs'>;
  signal?: AbortSignal;
}

export class QueuedExecutor implements ChildExecutor {
  /** Every child of a generation is enqueued at once: the workers' own --concurrency bounds how many run. */
  readonly concurrency = Number.POSITIVE_INFINITY;
  private readonly parentsPushed = new Map<string, Promise<string>>();

  constructor(private readonly ctx: QueueDeps, private readonly link: QueueLink) {}

  async run(plan: ChildPlan): Promise<ChildResult> {
    const { ctx } = this;
    const interrupted = (): ChildResult => ({ row: ctx.store.getCandidate(plan.id)!, measure: null, depsFrom: plan.parent.depsFrom, interrupted: true });
    try {
      const parentRef = await this.pushParent(plan);
      const row = ctx.store.getCandidate(plan.id)!;
      const token = await ctx.proxy.admit(plan.id, { budgetUsd: ctx.config.candidateBudgetUsd, spentUsd: row.cost_usd });
      const data: JobData = {
        v: 1, runId: ctx.runId, candidateId: plan.id, generation: plan.generation, branch: plan.branch,
        parent: { ...plan.parent, measure: plan.parent.measure }, parentRef,
        lessons: plan.lessons as unknown as Record<string, unknown>[], config: ctx.config as unknown as Record<string, unknown>,
        remote: this.link.remote, proxy: { url: this.link.proxyUrl, token }, baseAttempts: row.attempts, admission: randomUUID(),
      };
      return await this.follow(plan, data);
    } catch (err) {
      if (err instanceof Interrupted || ctx.signal?.aborted) {
        // Stopped: a job no worker has taken yet is withdrawn (one running finishes unbilled: its token is revoked).
        await settleWithin(this.link.queue.remove(plan.id), 1000);
        return interrupted();
      }
      const message = `runner: ${err instanceof Error ? err.message : String(err)}`;
      ctx.record(plan.id, plan.generation, 'error', { message });
      return { row: this.finish(plan.id, { status: 'error', error: message }), measure: null, depsFrom: plan.parent.depsFrom };
    } finally {
      await Promise.resolve(ctx.proxy.dismiss(plan.id)).catch(() => {});
    }
  }

  /** Enqueues the job and waits for its result, following its progress into the row. */
  private async follow(plan: ChildPlan, data: JobData): Promise<ChildResult> {
    const signal = this.ctx.signal;
    await this.enqueue(data);
    let seen = '';
    for (;;) {
      const job = await untilAborted(this.link.queue.getJob(plan.id), signal);
      if (!job) {
        // Redis forgot it (restarted without persistence): enqueue it again, as it was.
        this.link.observer?.log?.(`queue: job ${plan.id} is gone from Redis; enqueued again`);
        await this.enqueue(data);
        continue;
      }
      seen = this.noteProgress(plan, job, seen);
      const state = await untilAborted(job.getState(), signal);
      if (state === 'completed') {
        const result = JobResult.safeParse(job.returnvalue);
        if (result.success && result.data.admission === data.admission && !result.data.interrupted) return await this.apply(plan, result.data, job);
        // A result of an earlier enqueueing (its token is revoked, its model calls were refused): run it again.
        await this.rerun(job, data, 'completed');
        continue;
      }
      if (state === 'failed') {
        if (job.data?.admission !== data.admission) {
          await this.rerun(job, data, 'failed');
          continue;
        }
        const message = `worker: ${job.failedReason || 'the job failed'}`;
        this.ctx.record(plan.id, plan.generation, 'error', { message, attempts: job.attemptsMade });
        await job.remove().catch(() => {});
        return { row: this.finish(plan.id, { status: 'error', error: message }), measure: null, depsFrom: plan.parent.depsFrom };
      }
      if (job.data?.admission !== data.admission && state !== 'active') await untilAborted(job.updateData(data), signal);
      await untilAborted(new Promise((r) => setTimeout(r, POLL_MS)), signal);
    }
  }

  private async enqueue(data: JobData): Promise<void> {
    await untilAborted(this.link.queue.add('candidate', data, {
      jobId: data.candidateId, attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: 1000 },
      // Kept until the runner has written it (it removes it then); a run never resumed does not keep it forever.
      removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
    }), this.ctx.signal);
  }

  private async rerun(job: Job, data: JobData, state: 'completed' | 'failed'): Promise<void> {
    const row = this.ctx.store.getCandidate(data.candidateId)!;
    const fresh = { ...data, baseAttempts: row.attempts };
    await untilAborted(job.updateData(fresh), this.ctx.signal);
    await untilAborted(job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true }), this.ctx.signal);
    Object.assign(data, fresh);
  }

  /** The worker's latest progress into the row (who runs it, which try, how far), when it changed. */
  private noteProgress(plan: ChildPlan, job: Job, seen: string): string {
    const p = JobProgress.safeParse(job.progress);
    if (!p.success) return seen;
    const key = JSON.stringify(p.data);
    if (key === seen) return seen;
    const running = p.data.status === 'running' || p.data.status === 'evaluating';
    this.ctx.store.updateCandidate(plan.id, {
      worker: p.data.worker, attempts: p.data.attempts, phase: p.data.phase,
      ...(running ? { status: p.data.status as CandidateRow['status'] } : {}),
      ...(p.data.startedAt ? { started_at: p.data.startedAt } : {}),
    });
    return key;
  }

  /** The completed job into the target and lineage.db: the branch first, then the events and the verdict at once. */
  private async apply(plan: ChildPlan, result: JobResult, job: Job): Promise<ChildResult> {
    const { ctx } = this;
    const sha = typeof result.patch.commit_sha === 'string' ? result.patch.commit_sha : null;
    if (sha) {
      if (!result.ref) throw new Error(`the worker reported commit ${sha} but no ref it pushed it to`);
      await ctx.git.fetch(this.link.remote, [`+${result.ref}:refs/heads/${plan.branch}`]);
      if ((await ctx.git.resolve(`refs/heads/${plan.branch}`)) !== sha) throw new Error(`${result.ref} in ${this.link.remote} is not the worker's commit ${sha}`);
      // The branch goes to the remote too (parents are fetched from it); the attempt's own ref is done with.
      if (!this.link.remoteIsTarget) await ctx.git.pushRefs(this.link.remote, [`+refs/heads/${plan.branch}:refs/heads/${plan.branch}`]);
      await ctx.git.pushRefs(this.link.remote, [`:${result.ref}`]).catch(() => {});
    }
    const patch = Object.fromEntries(Object.entries(result.patch).filter(([k]) => !RUNNER_ONLY_COLUMNS.has(k)));
    const row = ctx.store.transaction(() => {
      for (const e of result.events) ctx.store.appendEvent({ runId: ctx.runId, candidateId: plan.id, kind: e.kind, data: e.data, at: e.at });
      if (result.metrics.length) ctx.store.setMetrics(ctx.runId, plan.id, result.metrics);
      return ctx.store.updateCandidate(plan.id, { ...patch, worker: result.worker, step: 'evaluated' });
    });
    for (const e of result.events) this.link.observer?.event?.({ kind: e.kind, candidateId: plan.id, generation: plan.generation, data: e.data } satisfies RunEvent);
    await job.remove().catch(() => {});
    return { row, measure: result.measure as ParentMeasure | null, depsFrom: plan.parent.depsFrom };
  }

  private finish(id: string, patch: { status: 'error'; error: string }): CandidateRow {
    return this.ctx.store.updateCandidate(id, { ...patch, step: 'evaluated', finished_at: this.ctx.clock.now().toISOString() });
  }

  /** The ref workers fetch the parent from, pushed to the remote once per parent (a candidate's own branch, or the seed's ref). */
  private pushParent(plan: ChildPlan): Promise<string> {
    const known = this.parentsPushed.get(plan.parent.id);
    if (known) return known;
    const branch = this.ctx.store.getCandidate(plan.parent.id)?.branch ?? null;
    const ref = branch ? `refs/heads/${branch}` : seedRef(this.ctx.runId);
    const pushing = (async () => {
      if (!(branch && this.link.remoteIsTarget)) await this.ctx.git.pushRefs(this.link.remote, [`+${plan.parent.commit}:${ref}`]);
      return ref;
    })();
    this.parentsPushed.set(plan.parent.id, pushing);
    pushing.catch(() => this.parentsPushed.delete(plan.parent.id));
    return pushing;
  }
}
