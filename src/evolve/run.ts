/**
 * The run: the seed (generation 0, the target's HEAD, measured once), then `generations` rounds of forking
 * `population` children from the survivors, judging them and selecting the next survivors, whose branches are
 * pushed. Every step lands in the store before the next begins. The target's checkout is never touched.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bestCandidate } from '../lineage/best.ts';
import { AgentBundles } from './jail/agent-bundle.ts';
import { newCandidateId } from '../lineage/ids.ts';
import { FINISHED_STATUSES, type CandidateRow } from '../lineage/schema.ts';
import type { ChildPlan, ParentInfo, RunContext } from './candidate.ts';
import type { RunConfig } from './config.ts';
import { Evaluator } from './judge/evaluate.ts';
import { addChildren, planChildren, runGeneration, select } from './generation.ts';
import type { Git } from './repo/git.ts';
import type { RunEvent, RunObserver, RunSummary } from './observer.ts';
import { systemClock, type Clock, type ModelProxy, type RunnerStore } from './ports.ts';
import { parentInfoOf, resumePlan } from './recall.ts';
import type { AgentChoice } from './jail/agent.ts';
import type { Sandbox } from './jail/sandbox.ts';
import { Workspaces } from './repo/workspace.ts';

export interface RunnerDeps {
  git: Git;
  store: RunnerStore;
  sandbox: Sandbox;
  proxy: ModelProxy;
  proxySocket: string;
  clock?: Clock;
  observer?: RunObserver;
  signal?: AbortSignal;
  /** The agent every candidate runs (--agent, resolved at start); default: the workspace's own, else the built-in one. */
  agent?: AgentChoice;
  /** True once the proxy refused a call for the run's budget: nothing new is started. */
  runBudgetExhausted?: () => boolean;
  /** True when the proxy refused a candidate's call for its own budget. */
  /** Which budget the proxy refused a candidate's call over, if any. */
  candidateBudgetExhausted?: (candidateId: string) => 'run' | 'candidate' | false;
}

export interface RunPlan {
  runId: string;
  /** The target's work tree (only read: its HEAD and node_modules). */
  target: string;
  /** Where run folders go (default `<target>/.git/evolve`). */
  workdir: string;
  /** The work directory is evolve's own and may go once empty; false for a --workdir the user already had. */
  ownsWorkdir: boolean;
  config: RunConfig;
  /** The seed commit (the target's HEAD when the run started). */
  head: string;
}

export async function runEvolution(deps: RunnerDeps, plan: RunPlan): Promise<RunSummary> {
  const { store, git, config } = { ...deps, config: plan.config };
  const clock = deps.clock ?? systemClock;
  const workspaces = new Workspaces(git, plan.workdir, plan.runId, plan.ownsWorkdir);
  await workspaces.ensureRoot();
  const ctx: RunContext = {
    runId: plan.runId, config, git, store, sandbox: deps.sandbox, proxy: deps.proxy, proxySocket: deps.proxySocket,
    workspaces, evaluator: new Evaluator(git, deps.sandbox, workspaces, config), clock, signal: deps.signal, agent: deps.agent,
    bundles: new AgentBundles(deps.sandbox, path.join(workspaces.root, 'agents')),
    budgetExhausted: deps.candidateBudgetExhausted ?? (() => false),
    record: (candidateId, generation, kind, data) => {
      store.appendEvent({ runId: plan.runId, candidateId, kind, data });
      deps.observer?.event?.({ kind, candidateId, generation, data } satisfies RunEvent);
    },
  };
  const stopReason = (): string | null =>
    deps.signal?.aborted ? 'interrupted' : deps.runBudgetExhausted?.() ? 'run budget exhausted' : null;

  let status: RunSummary['status'] = 'done';
  let reason: string | null = null;
  ctx.record(null, null, 'run_started', {
    population: config.population, generations: config.generations, strategy: config.strategy, survivors: config.survivors,
    concurrency: config.concurrency, model: config.model, budget_usd: config.budgetUsd, candidate_budget_usd: config.candidateBudgetUsd,
    build: config.build.cmd, test: config.test.cmd, head: plan.head, sandbox: deps.sandbox.kind,
    sandbox_limits: deps.sandbox.limits, agent: config.agent ?? null,
  });
  try {
    const targetDeps = existsSync(path.join(plan.target, 'node_modules')) ? path.join(plan.target, 'node_modules') : null;
    const seed = await ensureSeed(ctx, plan, targetDeps);
    let survivors = [seed.id];
    let nextParents = Array.from({ length: config.population }, () => seed.id);
    let completed = 0;
    for (let generation = 1; generation <= config.generations; generation++) {
      if (stopReason()) break;
      const rows = store.candidates(plan.runId);
      const existing = rows.filter((r) => r.generation === generation);
      let plans: ChildPlan[];
      if (existing.length === 0) {
        plans = planChildren(ctx, generation, nextParents.map((id) => parentInfoOf(ctx, rows, id, targetDeps)), rows);
        addChildren(ctx, plans);
        deps.observer?.log?.(`generation ${generation}/${config.generations}: ${plans.length} children of ${[...new Set(nextParents)].join(', ')}`);
      } else {
        // --resume: finished children are kept as they are; the others pick up where they were.
        plans = existing.filter((r) => !FINISHED_STATUSES.includes(r.status)).map((r) => resumePlan(ctx, rows, r, targetDeps));
        if (plans.length > 0) deps.observer?.log?.(`generation ${generation}: resuming ${plans.length} unfinished of ${existing.length}`);
      }
      const results = await runGeneration(ctx, plans, () => !stopReason());
      // A generation cut short (Ctrl-C, run budget) is not selected from: its unfinished rows stay as they are.
      if (results.length < plans.length || results.some((r) => r.interrupted)) break;
      const all = store.candidates(plan.runId);
      const children = all.filter((r) => r.generation === generation);
      const selection = select(ctx, generation, children, survivors, all);
      if (children.some((r) => r.step !== 'selected' && r.step !== 'pushed')) recordSelection(ctx, generation, children, selection.kept);
      if (selection.kept.length > 0) survivors = selection.kept;
      else deps.observer?.log?.(`generation ${generation}: no child passed; the previous survivors parent again`);
      nextParents = selection.nextParents;
      await pushSurvivors(ctx, generation, selection.kept, store.candidates(plan.runId));
      completed = generation;
    }
    // Stopped only when generations are left to do; a budget spent during the last one still finishes the run.
    reason = completed < config.generations ? stopReason() ?? 'stopped' : null;
    if (reason) status = 'stopped';
  } catch (err) {
    if (deps.signal?.aborted) {
      status = 'stopped';
      reason = 'interrupted';
    } else {
      status = 'failed';
      reason = err instanceof Error ? err.message : String(err);
      ctx.record(null, null, 'error', { message: reason });
      throw err;
    }
  } finally {
    ctx.record(null, null, 'run_finished', { status, reason });
    store.finishRun(plan.runId, status, reason ?? undefined);
    await workspaces.removeAll().catch(() => {});
  }
  const summary = summarise(store, plan.runId, status, reason);
  deps.observer?.runFinished?.(summary);
  return summary;
}

/**
 * Generation 0: the target's HEAD as it is, built and tested once for the baseline (tests removed, new tests). It is
 * recorded with the status its evaluation earned — a seed whose tests fail is `failed`, with an `error` event that
 * says so — and it survives all the same: it is the only parent the first generation can have.
 */
async function ensureSeed(ctx: RunContext, plan: RunPlan, targetDeps: string | null): Promise<ParentInfo> {
  const existing = ctx.store.candidates(plan.runId).find((r) => r.generation === 0);
  if (existing?.step === 'selected') return parentInfoOf(ctx, ctx.store.candidates(plan.runId), existing.id, targetDeps);
  const id = existing?.id ?? newCandidateId((drawn) => !!ctx.store.getCandidate(drawn));
  if (!existing) {
    ctx.store.addCandidate({
      id, runId: plan.runId, generation: 0, parentId: null, branch: null, baseCommit: plan.head, commitSha: plan.head,
      status: 'evaluating', step: 'committed', goal: ctx.config.seedGoal || null,
    });
  }
  const result = await ctx.evaluator.evaluate(id, plan.head, null, targetDeps, (kind, data) => ctx.record(id, 0, kind, data), ctx.signal);
  if (ctx.signal?.aborted) throw new Error('stopped while measuring the seed');
  const passed = result.status === 'passed';
  const status = passed ? 'passed' : 'failed';
  if (!passed) ctx.record(id, 0, 'error', { message: `the seed itself does not pass: ${result.reason}` });
  ctx.store.transaction(() => {
    ctx.store.updateCandidate(id, {
      status, survived: 1, step: 'selected', finished_at: ctx.clock.now().toISOString(), score: result.score,
      build_ok: result.buildOk === null ? null : Number(result.buildOk), tests_passed: result.counts?.passed ?? null,
      tests_failed: result.counts?.failed ?? null, diff_added: 0, diff_removed: 0, error: passed ? null : result.reason,
    });
    ctx.record(id, 0, 'scored', { status, score: result.score, reason: result.reason, seed: true });
    ctx.record(id, 0, 'selected', { generation: 0, rank: 1, seed: true });
  });
  return parentInfoOf(ctx, ctx.store.candidates(plan.runId), id, targetDeps);
}

function recordSelection(ctx: RunContext, generation: number, rows: CandidateRow[], kept: string[]): void {
  ctx.store.transaction(() => {
    for (const row of rows) ctx.store.updateCandidate(row.id, { survived: kept.includes(row.id) ? 1 : 0, step: 'selected' });
    // In rank order, so that logs and the TUI list the best survivor first.
    for (const [i, id] of kept.entries()) {
      const row = rows.find((r) => r.id === id);
      if (row) ctx.record(row.id, generation, 'selected', { generation, rank: i + 1, score: row.score });
    }
  });
}

async function pushSurvivors(ctx: RunContext, generation: number, kept: string[], rows: CandidateRow[]): Promise<void> {
  const remote = ctx.config.push;
  if (!remote || kept.length === 0) return;
  const branches = kept.map((id) => rows.find((r) => r.id === id)!).filter((r) => r.branch);
  if (branches.every((r) => r.step === 'pushed')) return;
  try {
    await ctx.git.push(remote, branches.map((r) => r.branch!));
    for (const r of branches) {
      if (r.step === 'pushed') continue;
      ctx.store.updateCandidate(r.id, { step: 'pushed' });
      ctx.record(r.id, generation, 'pushed', { remote, branch: r.branch });
    }
  } catch (err) {
    ctx.record(null, generation, 'error', { message: `push to ${remote} failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}

function summarise(store: RunnerStore, runId: string, status: RunSummary['status'], reason: string | null): RunSummary {
  const rows = store.candidates(runId);
  const children = rows.filter((r) => r.generation > 0);
  const passing = children.filter((r) => r.status === 'passed');
  const best = bestCandidate(rows);
  const lineage: string[] = [];
  for (let at: CandidateRow | undefined = best ?? undefined; at; at = rows.find((r) => r.id === at!.parent_id)) lineage.unshift(at.id);
  return {
    runId, status, stopReason: reason, candidates: children.length, passed: passing.length, best, lineage,
    // Prompt tokens in all (uncached, cache reads and cache writes): with caching most input is a cache read.
    inputTokens: rows.reduce((a, r) => a + r.input_tokens + r.cache_read_tokens + r.cache_write_tokens, 0),
    cacheReadTokens: rows.reduce((a, r) => a + r.cache_read_tokens, 0), outputTokens: rows.reduce((a, r) => a + r.output_tokens, 0),
    costUsd: rows.reduce((a, r) => a + r.cost_usd, 0),
  };
}
