/**
 * One child candidate from fork to score. Each step is written to the store before the next begins
 * (forked → agent_running → agent_done → committed → evaluated), so a resumed run knows where every candidate was.
 * Nothing a candidate does can throw out of here: the runner's own failures end the candidate as `error`.
 */
import { createServer } from 'node:net';
import type { CandidateRow, CandidateStatus } from '../lineage/schema.ts';
import { resolveAgentCommand, runAgent, JAIL_RELAY_PORT } from './agent.ts';
import type { RunConfig } from './config.ts';
import { ensureAttemptRecorded, seedChildContext, type ContextEntry } from './context.ts';
import { installDeps, lockfileChanged } from './deps.ts';
import type { Evaluator, ParentMeasure } from './evaluate.ts';
import type { Git } from './git.ts';
import type { Clock, ModelProxy, RunnerStore } from './ports.ts';
import type { Sandbox } from './sandbox.ts';
import type { Workspaces } from './workspace.ts';

export interface RunContext {
  runId: string;
  config: RunConfig;
  git: Git;
  store: RunnerStore;
  sandbox: Sandbox;
  proxy: ModelProxy;
  proxySocket: string;
  workspaces: Workspaces;
  evaluator: Evaluator;
  clock: Clock;
  /** Appends an event to the store and tells the observer. */
  record(candidateId: string | null, generation: number | null, kind: string, data: Record<string, unknown>): void;
  signal?: AbortSignal;
  /** True when the proxy refused this candidate a call for its budget. */
  budgetExhausted(candidateId: string): boolean;
}

/** What a child inherits from its parent. */
export interface ParentInfo {
  id: string;
  commit: string;
  measure: ParentMeasure | null;
  /** The node_modules folder to hardlink from (the parent's installed one, else the target's), or null. */
  depsFrom: string | null;
}

export interface ChildPlan { id: string; generation: number; branch: string; parent: ParentInfo; lessons: ContextEntry[] }

export interface ChildResult { row: CandidateRow; measure: ParentMeasure | null; depsFrom: string | null }

export async function runChild(ctx: RunContext, plan: ChildPlan): Promise<ChildResult> {
  const { store, clock } = ctx;
  const ev = (kind: string, data: Record<string, unknown>) => ctx.record(plan.id, plan.generation, kind, data);
  const finish = (status: CandidateStatus, error: string | null, patch: Parameters<RunnerStore['updateCandidate']>[1] = {}) =>
    store.updateCandidate(plan.id, { ...patch, status, error, finished_at: clock.now().toISOString(), step: 'evaluated' });
  let depsFrom = plan.parent.depsFrom;
  try {
    // fork: the branch at the parent's commit, a fresh workspace, the parent's memory plus its failed siblings
    await ctx.git.createBranch(plan.branch, plan.parent.commit);
    const ws = await ctx.workspaces.prepare(plan.id, plan.parent.commit, depsFrom);
    const before = await seedChildContext(ws.dir, ctx.config.seedGoal, plan.lessons);
    store.updateCandidate(plan.id, { status: 'running', step: 'forked', started_at: clock.now().toISOString() });
    ev('forked', { parent_id: plan.parent.id, branch: plan.branch, base_commit: plan.parent.commit, lessons: plan.lessons.length });

    // the agent: the parent's code, jailed, behind the relay, with its own token
    const command = await resolveAgentCommand(ws.dir);
    const token = await ctx.proxy.admit(plan.id, { budgetUsd: ctx.config.candidateBudgetUsd });
    const deadline = new Date(clock.now().getTime() + ctx.config.candidateTimeoutS * 1000);
    const attempts = (store.getCandidate(plan.id)?.attempts ?? 0) + 1;
    store.updateCandidate(plan.id, { step: 'agent_running', attempts });
    ev('agent_started', { agent: command.source, command: command.argv.join(' ').slice(0, 300), deadline: deadline.toISOString(), attempt: attempts, sandbox: ctx.sandbox.kind });
    const outcome = await runAgent(ctx.sandbox, {
      workspace: ws.dir, nodeModules: ws.nodeModules, command, proxySocket: ctx.proxySocket,
      relayPort: ctx.sandbox.kind === 'bwrap' ? JAIL_RELAY_PORT : await freePort(), token,
      env: { model: ctx.config.model, seedGoal: ctx.config.seedGoal, buildCmd: ctx.config.build.cmd ?? '', testCmd: ctx.config.test.cmd ?? '', maxTurns: ctx.config.maxTurns },
      deadline, signal: ctx.signal,
      onProgress: (line) => {
        if (line.type === 'phase') {
          store.updateCandidate(plan.id, { phase: line.name });
          ev('phase', { name: line.name });
        } else if (line.type === 'tool_call') {
          ev('tool_call', { tool: line.tool, ok: line.ok, ms: line.ms ?? null, summary: line.summary.slice(0, 500) });
        } else if (line.type === 'result') {
          store.updateCandidate(plan.id, { goal: line.goal, plan: line.plan ?? null, agent_summary: line.summary, agent_success: line.success ? 1 : 0 });
        }
      },
    });
    await ctx.proxy.dismiss(plan.id);
    const success = outcome.ok && outcome.result!.success;
    const wroteContext = await ensureAttemptRecorded(ws.dir, before, {
      success, goal: outcome.result?.goal ?? 'agent attempt', details: outcome.reason ?? outcome.result?.summary ?? '',
    }, clock.now());
    store.updateCandidate(plan.id, { step: 'agent_done' });
    ev('agent_finished', {
      ok: outcome.ok, reason: outcome.reason, exit_code: outcome.exit.code, ms: outcome.exit.ms, success: outcome.result?.success ?? null,
      summary: outcome.result?.summary.slice(0, 500) ?? null, garbage_lines: outcome.garbageLines, context_by_runner: wroteContext,
      output_tail: outcome.ok ? undefined : outcome.exit.output.slice(-1500),
    });

    // commit: the branch is the record, passed or failed
    const sha = await ctx.git.commitWorkspace({
      workTree: ws.dir, indexFile: ws.indexFile, parent: plan.parent.commit, branch: plan.branch,
      message: commitMessage(plan, outcome.result?.goal ?? null, outcome.reason), exclude: ws.nodeModules ? ['node_modules'] : [],
    });
    await ctx.workspaces.remove(plan.id);
    store.updateCandidate(plan.id, { commit_sha: sha, step: 'committed' });
    ev('committed', { sha, parent: plan.parent.commit });
    if (ctx.budgetExhausted(plan.id)) {
      return { row: finish('budget_exhausted', outcome.reason ?? 'the candidate budget was spent'), measure: null, depsFrom };
    }
    if (!outcome.ok) return { row: finish('failed', outcome.reason), measure: null, depsFrom };

    store.updateCandidate(plan.id, { status: 'evaluating' });
    if (lockfileChanged(await ctx.git.changedPaths(plan.parent.commit, sha))) {
      const installed = await installDeps(ctx.git, ctx.sandbox, sha, ctx.workspaces.depsDir(plan.id), ctx.config.buildTimeoutS * 1000, ctx.signal);
      ev('deps_installed', { ok: installed.nodeModules !== null, exit_code: installed.exit.code, ms: installed.exit.ms });
      if (!installed.nodeModules) return { row: finish('failed', 'dependency install (npm ci) failed'), measure: null, depsFrom };
      depsFrom = installed.nodeModules;
    }
    const result = await ctx.evaluator.evaluate(plan.id, sha, plan.parent.measure, depsFrom, (kind, data) => ev(kind, data), ctx.signal);
    const row = finish(result.status, result.reason, {
      build_ok: result.buildOk === null ? null : result.buildOk ? 1 : 0,
      tests_passed: result.counts?.passed ?? null, tests_failed: result.counts?.failed ?? null,
      diff_added: result.diff.added, diff_removed: result.diff.removed, score: result.score,
    });
    ev('scored', { status: result.status, score: result.score, reason: result.reason, diff_added: result.diff.added, diff_removed: result.diff.removed });
    const measure = result.counts ? { commit: sha, tests: result.counts.passed + result.counts.failed, source: result.counts.source } : null;
    return { row, measure, depsFrom };
  } catch (err) {
    const message = `runner: ${err instanceof Error ? err.message : String(err)}`;
    ev('error', { message });
    await ctx.workspaces.remove(plan.id).catch(() => {});
    await Promise.resolve(ctx.proxy.dismiss(plan.id)).catch(() => {});
    return { row: finish('error', message), measure: null, depsFrom };
  }
}

function commitMessage(plan: ChildPlan, goal: string | null, failure: string | null): string {
  const title = `evolve g${plan.generation} ${plan.id}: ${(goal ?? 'no goal recorded').split('\n')[0].slice(0, 100)}`;
  return `${title}\n\nparent: ${plan.parent.id} (${plan.parent.commit})\n${failure ? `agent failed: ${failure}\n` : ''}`;
}

/** A free loopback port (for the relay when there is no jail and so no private loopback). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
