/**
 * The run: the seed (generation 0, the target's HEAD, measured once), then `generations` rounds of forking
 * `population` children from the survivors, judging them and selecting the next survivors, whose branches are
 * pushed. Every step lands in the store before the next begins. The target's checkout is never touched.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bestCandidate } from '../lineage/best.ts';
import { readEventData } from '../lineage/events/index.ts';
import { AgentBundles } from './jail/agent-bundle.ts';
import { newCandidateId } from '../lineage/ids.ts';
import { FINISHED_STATUSES, type CandidateRow } from '../lineage/schema.ts';
import type { CandidateDeps } from './candidate.ts';
import type { ChildExecutor, ChildPlan, ParentInfo, RunJournal } from './child.ts';
import type { RunConfig } from './config.ts';
import { Evaluator } from './judge/evaluate.ts';
import { addChildren, localExecutor, planChildren, runGeneration, select, type SelectionDeps } from './generation.ts';
import type { Objective } from './judge/select.ts';
import { SKIP_CI, type Git } from './repo/git.ts';
import type { RunEvent, RunObserver, RunSummary } from './observer.ts';
import { safeLine } from '../safe-text.ts';
import { withoutAnsi } from './judge/output.ts';
import { systemClock, type Clock, type ModelProxy, type RunnerStore } from './ports.ts';
import { modelApiDown } from './proxy/health.ts';
import { parentInfoOf, resumePlan, type RecallDeps } from './recall.ts';
import type { AgentChoice } from './jail/agent.ts';
import { withHidden, type Sandbox } from './jail/sandbox.ts';
import { removeFrozenJudge } from './judge/user-judge.ts';
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
  /** Which budget the proxy refused a candidate's call over, if any. */
  candidateBudgetExhausted?: (candidateId: string) => 'run' | 'candidate' | false;
  /** Who runs the children (default: this process, `concurrency` at once); `--queue` hands them to workers. */
  executor?: (parts: RunParts) => ChildExecutor;
}

/** What the run is made of, built once at its start; each stage is handed this and takes only its own part. */
export type RunParts = CandidateDeps & SelectionDeps & RecallDeps & SeedDeps & {
  config: RunConfig; git: Git; sandbox: Sandbox; workspaces: Workspaces; evaluator: Evaluator; proxy: ModelProxy;
};

export interface RunPlan {
  runId: string;
  /** The target's work tree (only read: its HEAD and node_modules). */
  target: string;
  /** Where run folders go (default `<target's parent>/.evolve-work/<target's name>`, repo/workdir.ts). */
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
  // The user judge's files are in no jail but the judge's own (which binds its directory back, read-only).
  const judge = config.judge ?? null;
  const sandbox = judge ? withHidden(deps.sandbox, [judge.dir, ...judge.files.map((f) => f.source)]) : deps.sandbox;
  const ctx: RunParts = {
    runId: plan.runId, config, git, store, sandbox, proxy: deps.proxy, proxySocket: deps.proxySocket,
    workspaces, evaluator: new Evaluator(git, sandbox, workspaces, config, plan.head), clock, signal: deps.signal, agent: deps.agent,
    bundles: new AgentBundles(sandbox, path.join(workspaces.root, 'agents')),
    budgetExhausted: deps.candidateBudgetExhausted ?? (() => false),
    record: (candidateId, generation, kind, data) => {
      store.appendEvent({ runId: plan.runId, candidateId, kind, data });
      deps.observer?.event?.({ kind, candidateId, generation, data } satisfies RunEvent);
    },
  };
  const executor = deps.executor?.(ctx) ?? localExecutor(ctx);
  const stopReason = (): string | null =>
    deps.signal?.aborted ? 'interrupted' : deps.runBudgetExhausted?.() ? 'run budget exhausted' : null;

  let status: RunSummary['status'] = 'done';
  let reason: string | null = null;
  let halted: string | null = null;
  ctx.record(null, null, 'run_started', {
    population: config.population, generations: config.generations, strategy: config.strategy, survivors: config.survivors,
    concurrency: config.concurrency, judge_concurrency: config.judgeConcurrency, allow_failing_seed: config.allowFailingSeed, model: config.model, budget_usd: config.budgetUsd, candidate_budget_usd: config.candidateBudgetUsd,
    build: config.build.cmd, test: config.test.cmd, head: plan.head, sandbox: deps.sandbox.kind,
    sandbox_limits: deps.sandbox.limits, agent: config.agent ?? null,
  });
  try {
    const targetDeps = existsSync(path.join(plan.target, 'node_modules')) ? path.join(plan.target, 'node_modules') : null;
    const { parent: seed, failure, output } = await ensureSeed(ctx, plan, targetDeps);
    if (failure && !config.allowFailingSeed) throw new SeedFailed(failure, output);
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
      const results = await runGeneration(plans, () => !stopReason(), executor);
      // A generation cut short (Ctrl-C, run budget) is not selected from: its unfinished rows stay as they are.
      if (results.length < plans.length || results.some((r) => r.interrupted)) break;
      const all = store.candidates(plan.runId);
      const children = all.filter((r) => r.generation === generation);
      const selection = select(ctx, generation, children, survivors, all);
      if (children.some((r) => r.step !== 'selected' && r.step !== 'pushed')) recordSelection(ctx, generation, children, selection.kept);
      // No child passed and the model API answered none of their calls: the next generation would fare the same.
      halted = selection.kept.length > 0 ? null : modelApiDown(generation, children.flatMap((r) => store.events(r.id)));
      if (selection.kept.length > 0) survivors = selection.kept;
      else if (!halted) deps.observer?.log?.(`generation ${generation}: no child passed; the previous survivors parent again`);
      nextParents = selection.nextParents;
      await pushSurvivors(ctx, generation, selection.kept, store.candidates(plan.runId));
      completed = generation;
      if (halted) break;
    }
    if (halted) {
      status = 'failed';
      reason = halted;
    } else {
      // Stopped only when generations are left to do; a budget spent during the last one still finishes the run.
      reason = completed < config.generations ? stopReason() ?? 'stopped' : null;
      if (reason) status = 'stopped';
    }
  } catch (err) {
    if (err instanceof SeedFailed) {
      // Nothing forked, nothing spent on children: the reason, the end of the output and how to go on anyway.
      status = 'failed';
      reason = err.message;
      for (const line of seedFailureLines(err)) deps.observer?.log?.(line);
    } else if (deps.signal?.aborted) {
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
    // A stopped run keeps its frozen judge for --resume; a finished one needs it no more.
    if (judge && status !== 'stopped') await removeFrozenJudge(judge.dir).catch(() => {});
  }
  const summary = summarise(store, plan.runId, status, reason, ctx.evaluator.objective ? { metric: ctx.evaluator.objective, goal: config.objective?.goal ?? 'max' } : null);
  deps.observer?.runFinished?.(summary);
  return summary;
}

/** A seed whose own build or tests fail, in a run without --allow-failing-seed: the run stops before any child. */
class SeedFailed extends Error {
  constructor(message: string, readonly output: string | null) {
    super(message);
  }
}

/** The console lines of a run stopped by its seed: the reason, the last lines of the output, what to do. */
export function seedFailureLines(err: { message: string; output: string | null }, lines = 20): string[] {
  const tail = withoutAnsi(err.output ?? '').replace(/\s+$/, '').split('\n').slice(-lines);
  return [
    `${err.message} — stopping before any child is forked`,
    ...(tail.length > 0 && tail.some((l) => l.trim()) ? ['the end of its output (evolve show <seed id> has it all):', ...tail.map((l) => `  | ${safeLine(l)}`)] : []),
    'fix the target (or its --build/--test) and run again, or pass --allow-failing-seed to make fixing it the first generation\'s goal',
  ];
}

/** What the seed's judging says: its parent info, why it failed (null when it passed) and the failing output. */
interface SeedOutcome { parent: ParentInfo; failure: string | null; output: string | null }

/** What measuring the seed uses. */
type SeedDeps = RunJournal & RecallDeps & {
  config: Pick<RunConfig, 'seedGoal' | 'allowFailingSeed' | 'weights'>;
  evaluator: Pick<Evaluator, 'evaluate' | 'adoptObjective'>;
  signal?: AbortSignal;
};

/**
 * Generation 0: the target's HEAD as it is, built and tested once for the baseline (tests removed, new tests). It is
 * recorded with the status its evaluation earned — a seed whose tests fail is `failed`, with an `error` event that
 * says so. Such a seed stops the run, unless --allow-failing-seed makes it the first generation's parent.
 */
async function ensureSeed(ctx: SeedDeps, plan: RunPlan, targetDeps: string | null): Promise<SeedOutcome> {
  const existing = ctx.store.candidates(plan.runId).find((r) => r.generation === 0);
  if (existing?.step === 'selected') {
    // Resumed: the objective is the metric the seed was judged with.
    const judged = ctx.store.events(existing.id).filter((e) => e.kind === 'judged').pop();
    if (judged) ctx.evaluator.adoptObjective(readEventData('judged', judged.data_json).objective ?? null);
    return { parent: parentInfoOf(ctx, ctx.store.candidates(plan.runId), existing.id, targetDeps), failure: null, output: null };
  }
  const id = existing?.id ?? newCandidateId((drawn) => !!ctx.store.getCandidate(drawn));
  if (!existing) {
    ctx.store.addCandidate({
      id, runId: plan.runId, generation: 0, parentId: null, branch: null, baseCommit: plan.head, commitSha: plan.head,
      status: 'evaluating', step: 'committed', goal: ctx.config.seedGoal || null,
    });
  }
  let output: string | null = null;
  const result = await ctx.evaluator.evaluate(id, plan.head, null, targetDeps, (kind, data) => {
    if (typeof data.output_tail === 'string') output = data.output_tail;
    ctx.record(id, 0, kind, data);
  }, ctx.signal);
  if (ctx.signal?.aborted) throw new Error('stopped while measuring the seed');
  const passed = result.status === 'passed';
  const status = passed ? 'passed' : 'failed';
  const failure = passed ? null : `the seed itself does not pass: ${result.reason}`;
  if (failure) ctx.record(id, 0, 'error', { message: failure, stops_run: !ctx.config.allowFailingSeed });
  ctx.store.transaction(() => {
    ctx.store.updateCandidate(id, {
      status, survived: 1, step: 'selected', finished_at: ctx.clock.now().toISOString(), score: result.score,
      build_ok: result.buildOk === null ? null : Number(result.buildOk), tests_passed: result.counts?.passed ?? null,
      tests_failed: result.counts?.failed ?? null, diff_added: 0, diff_removed: 0, error: passed ? null : result.reason,
      objective: result.objective ?? null,
    });
    if (result.metrics) ctx.store.setMetrics(plan.runId, id, result.metrics);
    ctx.record(id, 0, 'scored', { status, score: result.score, reason: result.reason, seed: true });
    ctx.record(id, 0, 'selected', { generation: 0, rank: 1, seed: true });
  });
  return { parent: parentInfoOf(ctx, ctx.store.candidates(plan.runId), id, targetDeps), failure, output };
}

function recordSelection(ctx: Pick<RunJournal, 'store' | 'record'>, generation: number, rows: CandidateRow[], kept: string[]): void {
  ctx.store.transaction(() => {
    for (const row of rows) ctx.store.updateCandidate(row.id, { survived: kept.includes(row.id) ? 1 : 0, step: 'selected' });
    // In rank order, so that logs and the TUI list the best survivor first.
    for (const [i, id] of kept.entries()) {
      const row = rows.find((r) => r.id === id);
      if (row) ctx.record(row.id, generation, 'selected', { generation, rank: i + 1, score: row.score });
    }
  });
}

/** Said when a --push run starts: what a pushed branch can do, and what evolve does against it. */
export function pushWarning(remote: string): string {
  return `WARNING: --push ${remote}: survivors' branches (code a model wrote) are pushed there. Their commits say ${SKIP_CI} ` +
    'and the push asks for ci.skip, which GitHub, GitLab, Bitbucket and most CI services honour; a CI that ignores both ' +
    "runs the candidates' code with the repository's secrets (see docs/run.md)";
}

async function pushSurvivors(ctx: RunJournal & { config: Pick<RunConfig, 'push'>; git: Pick<Git, 'push'> }, generation: number, kept: string[], rows: CandidateRow[]): Promise<void> {
  const remote = ctx.config.push;
  if (!remote || kept.length === 0) return;
  const branches = kept.map((id) => rows.find((r) => r.id === id)!).filter((r) => r.branch);
  if (branches.every((r) => r.step === 'pushed')) return;
  try {
    const { ciSkipOption } = await ctx.git.push(remote, branches.map((r) => r.branch!));
    for (const r of branches) {
      if (r.step === 'pushed') continue;
      ctx.store.updateCandidate(r.id, { step: 'pushed' });
      ctx.record(r.id, generation, 'pushed', { remote, branch: r.branch, ci_skip_option: ciSkipOption });
    }
  } catch (err) {
    ctx.record(null, generation, 'error', { message: `push to ${remote} failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}

function summarise(store: RunnerStore, runId: string, status: RunSummary['status'], reason: string | null, objective: Objective | null): RunSummary {
  const rows = store.candidates(runId);
  const children = rows.filter((r) => r.generation > 0);
  const passing = children.filter((r) => r.status === 'passed');
  const seed = rows.find((r) => r.generation === 0) ?? null;
  const best = bestCandidate(rows, objective?.goal ?? null);
  const lineage: string[] = [];
  for (let at: CandidateRow | undefined = best ?? undefined; at; at = rows.find((r) => r.id === at!.parent_id)) lineage.unshift(at.id);
  return {
    runId, status, stopReason: reason, candidates: children.length, passed: passing.length, best, lineage,
    objective: objective ? { ...objective, best: best?.objective ?? null, seed: seed?.objective ?? null } : null,
    // Prompt tokens in all (uncached, cache reads and cache writes): with caching most input is a cache read.
    inputTokens: rows.reduce((a, r) => a + r.input_tokens + r.cache_read_tokens + r.cache_write_tokens, 0),
    cacheReadTokens: rows.reduce((a, r) => a + r.cache_read_tokens, 0), outputTokens: rows.reduce((a, r) => a + r.output_tokens, 0),
    costUsd: rows.reduce((a, r) => a + r.cost_usd, 0),
  };
}
