/**
 * One candidate job on a worker, in a process of its own: the parent's commit fetched from the shared remote, then
 * the runner's own candidate pipeline (runChild: fork, the agent in the jail, commit, the judge in the jail) against
 * a store of this one candidate and the worker's forwarding proxy, then the candidate's branch pushed back. The
 * result is the row's changes and the events, for the runner to write.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runChild, type CandidateDeps } from '../candidate.ts';
import type { ChildPlan } from '../child.ts';
import { RunConfig } from '../config.ts';
import type { HistoryEntry } from '../../agent/protocol.ts';
import { Git } from '../repo/git.ts';
import { Workspaces } from '../repo/workspace.ts';
import { Evaluator, type ParentMeasure } from '../judge/evaluate.ts';
import { createJailSandbox, JailSandbox } from '../jail/jail.ts';
import { defaultHidden, type LimitsMode } from '../../tools/sandbox/index.ts';
import { resolveAgentChoice } from '../jail/agent.ts';
import { AgentBundles } from '../jail/agent-bundle.ts';
import { UnsafeSandbox } from '../jail/sandbox.ts';
import { systemClock } from '../ports.ts';
import type { CandidateRow } from '../../lineage/schema.ts';
import { startForwardProxy } from './forward.ts';
import { JobStore } from './job-store.ts';
import { attemptRef, type JobData, type JobProgress, type JobResult } from './protocol.ts';

export interface JobInput {
  data: JobData;
  /** BullMQ's count of starts of this job, this one included. */
  attemptsStarted: number;
  worker: string;
  workdir: string;
  unsafeNoSandbox: boolean;
  /** How the worker's jail holds its limits, found once when it started (null: let the job find out). */
  jailLimits: LimitsMode | null;
}

export async function runJob(input: JobInput, signal: AbortSignal, progress: (p: JobProgress) => void): Promise<JobResult> {
  const { data, worker } = input;
  // The run's frozen config, checked before it is used (Redis is outside input).
  const config = RunConfig.parse(data.config);
  // A runner cannot make a worker run candidates unjailed: the worker's own user must have said so.
  if (config.sandbox === 'none' && !input.unsafeNoSandbox) throw new Error('this run does not jail its candidates (--unsafe-no-sandbox): start the worker with --unsafe-no-sandbox to run them');
  const git = await Git.initBare(path.join(input.workdir, 'repo.git'));
  const parentRef = `refs/evolve-parents/${data.runId}/${data.parent.id}`;
  await git.fetch(data.remote, [`+${data.parentRef}:${parentRef}`]);
  if ((await git.resolve(parentRef)) !== data.parent.commit) throw new Error(`${data.remote} ${data.parentRef} is not the parent's commit ${data.parent.commit}`);

  const sandbox = config.sandbox === 'none' ? new UnsafeSandbox()
    : input.jailLimits ? new JailSandbox(defaultHidden({ target: git.gitDir }), input.jailLimits) : await createJailSandbox(git.gitDir);
  const socketDir = await mkdtemp(path.join(tmpdir(), `evolve-worker-${data.candidateId}-`));
  const proxy = await startForwardProxy(path.join(socketDir, 'proxy.sock'), data.proxy);
  const attempts = data.baseAttempts + Math.max(0, input.attemptsStarted - 1);
  const report = (row: CandidateRow) => progress({ worker, attempts: row.attempts, status: row.status, step: row.step, phase: row.phase, startedAt: row.started_at });
  const store = new JobStore(data, attempts, report);
  const workspaces = new Workspaces(git, input.workdir, data.runId);
  const bundleDir = path.join(workspaces.root, 'agents', data.candidateId);
  try {
    await workspaces.ensureRoot();
    store.updateCandidate(data.candidateId, { worker });
    const ctx: CandidateDeps = {
      runId: data.runId, config, git, store, sandbox, proxy, proxySocket: proxy.socketPath, workspaces,
      evaluator: new Evaluator(git, sandbox, workspaces, config), clock: systemClock, signal,
      // This job's own: job processes of one worker run side by side and share no cache folder.
      bundles: new AgentBundles(sandbox, bundleDir),
      // --agent as the run chose it, found on this machine (Claude Code on the worker's PATH).
      agent: resolveAgentChoice(config.agent, input.workdir),
      budgetExhausted: (id) => proxy.exhausted(id),
      record: (candidateId, _generation, kind, eventData) =>
        store.appendEvent({ runId: data.runId, candidateId, kind, data: kind === 'agent_started' ? { ...eventData, worker } : eventData }),
    };
    const plan: ChildPlan = {
      id: data.candidateId, generation: data.generation, branch: data.branch,
      parent: { ...data.parent, measure: data.parent.measure as ParentMeasure | null },
      lessons: data.lessons as unknown as HistoryEntry[],
    };
    const result = await runChild(ctx, plan);
    if (result.interrupted || signal.aborted) return { ...resultOf(data, worker, store, null, null), interrupted: true };
    // The branch is the record, passed or failed: pushed under this attempt's own ref, the runner moves the branch.
    const ref = store.row.commit_sha ? attemptRef(data.runId, data.candidateId, randomBytes(4).toString('hex')) : null;
    if (ref) await git.pushRefs(data.remote, [`+refs/heads/${data.branch}:${ref}`]);
    return resultOf(data, worker, store, result.measure, ref);
  } finally {
    await proxy.close();
    await rm(socketDir, { recursive: true, force: true });
    await workspaces.remove(data.candidateId).catch(() => {});
    await workspaces.remove(data.candidateId, 'eval').catch(() => {});
    await rm(bundleDir, { recursive: true, force: true }).catch(() => {});
  }
}

function resultOf(data: JobData, worker: string, store: JobStore, measure: ParentMeasure | null, ref: string | null): JobResult {
  return { v: 1, admission: data.admission, worker, patch: store.changes(), events: store.recorded, metrics: store.metrics, measure, ref };
}
