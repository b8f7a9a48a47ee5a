/**
 * One child candidate from fork to score. Each step is written to the store before the next begins
 * (forked → agent_running → agent_done → committed → evaluated), so a resumed run knows where every candidate was.
 * Nothing a candidate does can throw out of here: the runner's own failures end the candidate as `error`.
 */
import type { CandidateRow, CandidateStatus, EventKind } from '../lineage/schema.ts';
import { safeText } from '../safe-text.ts';
import { forkAndRunAgent, type AttemptDeps } from './attempt.ts';
import type { AgentReport, ChildPlan, ChildResult, RunJournal } from './child.ts';

export type { AgentReport, ChildPlan, ChildResult, ParentInfo } from './child.ts';
import type { RunConfig } from './config.ts';
import type { Evaluator } from './judge/evaluate.ts';
import type { Sandbox } from './jail/sandbox.ts';
import { installDeps, lockfileChanged } from './repo/deps.ts';
import { progressOf } from './judge/score.ts';
import type { CandidatePatch, ModelProxy } from './ports.ts';
import { SKIP_CI, type Git } from './repo/git.ts';
import { pruneOversized, type Prepared, type Workspaces } from './repo/workspace.ts';

/** What judging a committed child uses: its own dependencies if it changed the lockfile, then the evaluation. */
export interface JudgeDeps extends RunJournal {
  config: Pick<RunConfig, 'buildTimeoutS' | 'weights'>;
  git: Git;
  sandbox: Sandbox;
  workspaces: Pick<Workspaces, 'depsDir'>;
  evaluator: Pick<Evaluator, 'evaluate'>;
  signal?: AbortSignal;
}

/** What running one child from wherever it is uses: the attempt's and the judge's, and committing in between. */
export type CandidateDeps = AttemptDeps & JudgeDeps & {
  config: Pick<RunConfig, 'push'>;
  workspaces: Pick<Workspaces, 'existing' | 'remove' | 'hasWorkspace'>;
  proxy: Pick<ModelProxy, 'dismiss'>;
  /** Which budget the proxy refused this candidate a call for, if any. */
  budgetExhausted(candidateId: string): 'run' | 'candidate' | false;
};

/**
 * Runs a child from wherever it is: a fresh child (or one whose agent never finished) forks and runs its agent; one
 * whose agent finished but was not committed is committed from its workspace; a committed one is judged.
 */
export async function runChild(ctx: CandidateDeps, plan: ChildPlan): Promise<ChildResult> {
  const { store, clock } = ctx;
  const ev = (kind: EventKind, data: Record<string, unknown>) => ctx.record(plan.id, plan.generation, kind, data);
  const finish = (status: CandidateStatus, error: string | null, patch: CandidatePatch = {}) =>
    store.updateCandidate(plan.id, { ...patch, status, error, finished_at: clock.now().toISOString(), step: 'evaluated' });
  const depsFrom = plan.parent.depsFrom;
  try {
    const entry = entryOf(ctx, plan);
    if (plan.resume) ev('resumed', { from_step: plan.resume.step, entry });
    let report: AgentReport;
    let sha: string;
    if (entry === 'judge') {
      report = plan.resume!.agent!;
      sha = plan.resume!.commitSha!;
    } else {
      let ws: Prepared;
      if (entry === 'commit') {
        report = plan.resume!.agent!;
        ws = ctx.workspaces.existing(plan.id);
      } else {
        const attempt = await forkAndRunAgent(ctx, plan);
        if (attempt.interrupted) return { row: store.getCandidate(plan.id)!, measure: null, depsFrom, interrupted: true };
        ({ report, ws } = attempt);
      }
      // A top-level node_modules is never committed (the runner's copy, or one the candidate made: on the judging PATH
      // it would come first), so it is neither measured here nor added below.
      const pruned = await pruneOversized(ws.dir, ['node_modules']);
      if (pruned.length > 0) {
        const what = pruned.slice(0, 5).map((p) => `${p.file} (${Math.ceil(p.bytes / 1024 / 1024)} MiB)`).join(', ');
        report = { ...report, ok: false, reason: `agent: left files too big to commit (removed): ${what}` };
      }
      // commit: the branch is the record, passed or failed
      sha = await ctx.git.commitWorkspace({
        workTree: ws.dir, indexFile: ws.indexFile, parent: plan.parent.commit, branch: plan.branch,
        message: commitMessage(plan, report.goal, report.reason, ctx.config.push !== null), exclude: ['node_modules'],
      });
      store.updateCandidate(plan.id, { commit_sha: sha, step: 'committed' });
      ev('committed', { sha, parent: plan.parent.commit, ...(pruned.length > 0 ? { pruned: pruned.map((p) => p.file) } : {}) });
      await ctx.workspaces.remove(plan.id);
    }
    const spent = ctx.budgetExhausted(plan.id);
    if (spent) return { row: finish('budget_exhausted', report.reason ?? `the ${spent === 'run' ? "run's" : 'candidate'} budget was spent`), measure: null, depsFrom };
    if (!report.ok) return { row: finish('failed', report.reason), measure: null, depsFrom };
    return await judge(ctx, plan, sha, finish);
  } catch (err) {
    const message = `runner: ${err instanceof Error ? err.message : String(err)}`;
    ev('error', { message });
    await ctx.workspaces.remove(plan.id).catch(() => {});
    await Promise.resolve(ctx.proxy.dismiss(plan.id)).catch(() => {});
    return { row: finish('error', message), measure: null, depsFrom };
  }
}

type Finish = (status: CandidateStatus, error: string | null, patch?: CandidatePatch) => CandidateRow;

/** Contract 5 for one committed child: its own dependencies if it changed the lockfile, then the evaluation. */
async function judge(ctx: JudgeDeps, plan: ChildPlan, sha: string, finish: Finish): Promise<ChildResult> {
  const ev = (kind: EventKind, data: Record<string, unknown>) => ctx.record(plan.id, plan.generation, kind, data);
  let depsFrom = plan.parent.depsFrom;
  ctx.store.updateCandidate(plan.id, { status: 'evaluating' });
  if (lockfileChanged((await ctx.git.diff(plan.parent.commit, sha)).paths)) {
    const installed = await installDeps(ctx.git, ctx.sandbox, sha, plan.parent.commit, ctx.workspaces.depsDir(plan.id), ctx.config.buildTimeoutS * 1000, ctx.signal);
    ev('deps_installed', {
      ok: installed.nodeModules !== null, exit_code: installed.exit?.exitCode ?? null, ms: installed.exit?.ms ?? 0, node_modules: installed.nodeModules,
      ...(installed.refused ? { refused: installed.refused } : {}),
    });
    if (installed.refused) return { row: finish('rejected', installed.refused), measure: null, depsFrom };
    if (!installed.nodeModules) return { row: finish('failed', 'dependency install (npm ci) failed'), measure: null, depsFrom };
    depsFrom = installed.nodeModules;
  }
  const result = await ctx.evaluator.evaluate(plan.id, sha, plan.parent.measure, depsFrom, (kind, data) => ev(kind, data), ctx.signal);
  if (ctx.signal?.aborted) return { row: ctx.store.getCandidate(plan.id)!, measure: null, depsFrom, interrupted: true };
  const row = finish(result.status, result.reason, {
    build_ok: result.buildOk === null ? null : result.buildOk ? 1 : 0,
    tests_passed: result.counts?.passed ?? null, tests_failed: result.counts?.failed ?? null,
    diff_added: result.diff.added, diff_removed: result.diff.removed, score: result.score,
    stubs_added: result.stubsAdded, duplicate_of: result.duplicateOf, objective: result.objective ?? null,
  });
  if (result.metrics) ctx.store.setMetrics(ctx.runId, plan.id, result.metrics);
  ev('scored', {
    status: result.status, score: result.score, reason: result.reason, diff_added: result.diff.added, diff_removed: result.diff.removed,
    stubs_added: result.stubsAdded, ...(result.duplicateOf ? { duplicate_of: result.duplicateOf } : {}),
  });
  const parent = plan.parent.measure;
  const measure = result.counts ? {
    commit: sha, tests: result.counts.passed + result.counts.failed, source: result.counts.source, via: result.via ?? 'stdout',
    passed: result.counts.passed, progress: progressOf(parent?.progress ?? 0, parent?.passed ?? result.counts.passed, result.counts.passed, ctx.config.weights),
  } : null;
  return { row, measure, depsFrom };
}

/** Where a (resumed) child starts: judging a commit, committing a finished agent's workspace, or from the fork. */
function entryOf(ctx: { workspaces: Pick<Workspaces, 'hasWorkspace'> }, plan: ChildPlan): 'fork' | 'commit' | 'judge' {
  const r = plan.resume;
  if (!r || !r.agent) return 'fork';
  if (r.step === 'committed' && r.commitSha) return 'judge';
  if (r.step === 'agent_done' && ctx.workspaces.hasWorkspace(plan.id)) return 'commit';
  return 'fork';
}

/**
 * The candidate commit's message. In a --push run it carries `[skip ci]` (after the candidate's text, so no goal can
 * push it out of the title): the forges (GitHub, GitLab, Bitbucket, Azure) and most CI services skip a push whose tip
 * says so, and a pushed branch's CI would otherwise run the candidate's code with the repository's secrets.
 */
function commitMessage(plan: ChildPlan, goal: string | null, failure: string | null, pushed: boolean): string {
  // The goal is the candidate's text: git refuses a NUL in a message, and control characters have no place there.
  const title = `evolve g${plan.generation} ${plan.id}: ${safeText((goal ?? 'no goal recorded').split('\n')[0].slice(0, 100))}${pushed ? ` ${SKIP_CI}` : ''}`;
  return safeText(`${title}\n\nparent: ${plan.parent.id} (${plan.parent.commit})\n${failure ? `agent failed: ${failure}\n` : ''}`);
}
