/**
 * Contract 5: the runner judges a committed candidate, in stages, cheapest first, each an event with its timing:
 *   1. checks on the diff against the parent (`checked`; `rejected` when it is empty or edits a protected path),
 *   2. duplicate: a tree (agent_context.json aside) already judged — or being judged — in this run reuses that
 *      verdict (`duplicate` {duplicate_of}) without building again,
 *   3. build, 4. tests (`built`, `tested`) on a FRESH checkout of the commit — never the workspace the agent touched —
 *      made honest first (restore.ts), in the jail with the frozen commands, read-only dependencies and its own
 *      timeouts; test counts read from node:test reports or standard output only (counts.ts, reports.ts),
 *   5. the user's judge, for candidates whose tests pass (`judged`, user-judge.ts): its metrics, the objective's value.
 * Nothing the agent said about itself is used here.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { EventInput } from '../../lineage/events/index.ts';
import { stubsAdded } from '../../tools/stubs.ts';
import { defaultJudgeConcurrency, isProtected, type RunConfig } from '../config.ts';
import { Slots } from '../repo/mutex.ts';
import { keptOutput, withFirstError } from './output.ts';
import type { DiffStats, Git } from '../repo/git.ts';
import type { Sandbox } from '../jail/sandbox.ts';
import { combinedOutput, type ProcessResult } from '../../process/run.ts';
import { candidateEnv } from '../jail/sandbox.ts';
import type { Prepared, Workspaces } from '../repo/workspace.ts';
import { dependencyMounts, resetWritable } from '../repo/dependency-view.ts';
import { judgeCounts, type CountBaseline } from './counts.ts';
import { Duplicates, treeKey, type Verdict } from './duplicate.ts';
import { reachedScripts, restoreFromParent } from './restore.ts';
import { score } from './score.ts';
import type { TestCounts } from './testcounts.ts';
import { freshReportDir, readReports, REPORT_MODULES, reportEnv } from './reports.ts';
import { combineRuns, parseJudgeOutput, type FrozenJudge } from './user-judge.ts';

export interface Evaluation extends Verdict {
  diff: DiffStats;
  score: number | null;
  stubsAdded: number;
  /** The candidate whose verdict this one reused (same tree), or null. */
  duplicateOf: string | null;
}

/** What evaluation needs to know about the parent (null for the seed, which is measured, not judged). */
export interface ParentMeasure extends CountBaseline {
  commit: string;
  /** Its passing tests and its progress (score.ts): what a child's new tested work is counted from. */
  passed: number;
  progress: number;
}

export type EvalEventKind = 'checked' | 'duplicate' | 'built' | 'tested' | 'judged' | 'rejected';
export type EvalEvent = <K extends EvalEventKind>(kind: K, data: EventInput<K>) => void;

export class Evaluator {
  private readonly duplicates = new Duplicates();

  /** The metric that ranks candidates: the configured objective's, else the first the judge reported for the seed. */
  private objectiveMetric: string | null;
  /** Builds and test runs at once, across all candidates (--judge-concurrency). */
  private readonly slots: Slots;

  constructor(
    private readonly git: Git,
    private readonly sandbox: Sandbox,
    private readonly workspaces: Workspaces,
    private readonly config: RunConfig,
    /** The seed's commit: files the judge command names in the target are written back from it. */
    private readonly seedCommit: string | null = null,
  ) {
    this.objectiveMetric = config.objective?.metric ?? null;
    this.slots = new Slots(config.judgeConcurrency ?? defaultJudgeConcurrency());
  }

  /** The objective's metric once known (a resumed run: the one its seed was judged with). */
  get objective(): string | null {
    return this.objectiveMetric;
  }

  adoptObjective(metric: string | null): void {
    this.objectiveMetric ??= metric;
  }

  async evaluate(candidateId: string, commit: string, parent: ParentMeasure | null, depsFrom: string | null, emit: EvalEvent, signal?: AbortSignal): Promise<Evaluation> {
    const started = Date.now();
    const { stats: diff, paths } = parent ? await this.git.diff(parent.commit, commit) : { stats: { added: 0, removed: 0, files: 0 }, paths: [] };
    const stubs = parent && diff.files > 0 ? stubsAdded(await this.git.addedLines(parent.commit, commit)) : 0;
    const own = { diff, stubsAdded: stubs, duplicateOf: null };
    if (parent) {
      const touched = paths.filter((f) => isProtected(f, this.config.protectedPaths));
      const reason = touched.length > 0 ? `protected path edited: ${touched.slice(0, 5).join(', ')}`
        : diff.files === 0 ? 'empty diff (only agent_context.json or nothing changed)' : null;
      emit('checked', { ok: reason === null, files: diff.files, diff_added: diff.added, diff_removed: diff.removed, stubs_added: stubs, ms: Date.now() - started });
      if (reason) {
        emit('rejected', { reason, paths: touched });
        return { status: 'rejected', reason, buildOk: null, counts: null, via: null, score: null, ...own };
      }
    }
    const key = await treeKey(this.git, commit);
    const original = this.duplicates.find(key, candidateId);
    if (original) {
      const waited = Date.now();
      const verdict = await original.verdict;
      if (verdict === null) return interrupted(diff);
      emit('duplicate', {
        duplicate_of: original.candidateId, status: verdict.status, passed: verdict.counts?.passed ?? null, failed: verdict.counts?.failed ?? null,
        source: verdict.counts?.source ?? null, via: verdict.via, ms: Date.now() - waited,
      });
      return { ...verdict, ...own, duplicateOf: original.candidateId, score: this.scoreOf(verdict, parent, diff, stubs) };
    }
    const pending = this.duplicates.start(key, candidateId);
    try {
      const verdict = await this.slots.run(() => this.judge(candidateId, commit, parent, depsFrom, emit, signal));
      pending.resolve(verdict);
      if (verdict === null) return interrupted(diff);
      return { ...verdict, ...own, score: this.scoreOf(verdict, parent, diff, stubs) };
    } catch (err) {
      pending.reject(err);
      throw err;
    }
  }

  /** Stages 3 to 5 on a fresh, restored checkout, holding one of the judging slots; null when interrupted (Ctrl-C). */
  private async judge(candidateId: string, commit: string, parent: ParentMeasure | null, depsFrom: string | null, emit: EvalEvent, signal?: AbortSignal): Promise<Verdict | null> {
    if (signal?.aborted) return null;
    const ws = await this.workspaces.prepare(candidateId, commit, depsFrom, 'eval');
    try {
      const parentTree = parent ? { commit: parent.commit, tree: await this.git.listTree(parent.commit) } : null;
      const restore = () => (parentTree ? restoreFromParent(this.git, ws.dir, parentTree, this.config.test.cmd!, this.config.seedScripts ?? null) : Promise.resolve(null));
      await restore();
      let buildOk = true;
      if (this.config.build.cmd) {
        const build = await this.exec(this.config.build.cmd, ws, this.config.buildTimeoutS, signal);
        if (signal?.aborted) return null;
        buildOk = build.exitCode === 0 && !build.timedOut;
        emit('built', { ok: buildOk, exit_code: build.exitCode, timed_out: build.timedOut, ms: build.ms, output_tail: tail(combinedOutput(build)) });
        if (!buildOk) {
          const reason = withFirstError(build.timedOut ? 'build timed out' : `build failed (exit ${build.exitCode ?? build.signal})`, combinedOutput(build));
          return { status: 'failed', reason, buildOk, counts: null, via: null };
        }
      }
      // The build's cache entries go: what the tests see is the dependencies, not what the candidate's code left there.
      await resetWritable(ws.depsWritable);
      // Again after the build: the build runs the candidate's code, which could rewrite a test or add a config.
      const restored = await restore();
      const reportDir = await freshReportDir(`${ws.dir}.reports`);
      const testCmd = this.config.test.cmd!;
      const test = await this.exec(testCmd, ws, this.config.testTimeoutS, signal, {
        env: reportEnv(reachedScripts(testCmd, this.config.seedScripts ?? null), reportDir), writable: [reportDir], readOnly: REPORT_MODULES,
      });
      if (signal?.aborted) return null;
      const counted = judgeCounts(test, parent, await readReports(reportDir));
      const judged = counted.status === 'failed' && !counted.reason?.startsWith('test counts unreadable') ? { ...counted, reason: withFirstError(counted.reason!, combinedOutput(test)) } : counted;
      emit('tested', {
        passed: judged.counts.passed, failed: judged.counts.failed, source: judged.counts.source, via: judged.via, exit_code: test.exitCode, timed_out: test.timedOut, ms: test.ms,
        ...(restored ? { restored_files: restored.restored, removed_configs: restored.removed } : {}), output_tail: tail(combinedOutput(test)),
      });
      if (judged.status === 'rejected') emit('rejected', { reason: judged.reason ?? 'rejected by its test counts' });
      const verdict: Verdict = { status: judged.status, reason: judged.reason, buildOk, counts: judged.counts, via: judged.via };
      if (verdict.status !== 'passed' || !this.config.judge) return verdict;
      const measured = await this.userJudge(this.config.judge, ws, emit, signal);
      if (measured === null) return null;
      return { ...verdict, ...measured };
    } finally {
      await rm(`${ws.dir}.reports`, { recursive: true, force: true });
      this.workspaces.discard(candidateId, 'eval');
    }
  }

  /** Stage 5: the user's judge, `runs` times, at the checkout's root; a failure, timeout or no JSON fails the candidate. */
  private async userJudge(judge: FrozenJudge, ws: Prepared, emit: EvalEvent, signal?: AbortSignal): Promise<Pick<Verdict, 'status' | 'reason' | 'metrics' | 'objective'> | null> {
    const started = Date.now();
    const dir = ws.dir;
    if (this.seedCommit && judge.seedFiles.length > 0) await this.git.restorePaths(this.seedCommit, dir, judge.seedFiles, `${dir}.judge-index`);
    const outputs: Record<string, number>[] = [];
    const fail = (reason: string, output = '') => {
      emit('judged', { ok: false, reason, runs: outputs.length, ms: Date.now() - started, output_tail: tail(output) });
      return { status: 'failed' as const, reason, metrics: null, objective: null };
    };
    for (let i = 0; i < judge.runs; i++) {
      const run = await this.exec(judge.cmd, ws, judge.timeoutS, signal, { readOnly: [judge.dir] });
      if (signal?.aborted) return null;
      if (run.timedOut) return fail(`judge timed out (after ${judge.timeoutS} s)`, combinedOutput(run));
      if (run.exitCode !== 0) return fail(`judge failed (exit ${run.exitCode ?? run.signal})`, combinedOutput(run));
      const parsed = parseJudgeOutput(run.stdout);
      if (!parsed.ok) return fail(parsed.reason, combinedOutput(run));
      outputs.push(parsed.metrics);
    }
    const metrics = combineRuns(outputs);
    this.objectiveMetric ??= metrics[0].name;
    const objective = metrics.find((m) => m.name === this.objectiveMetric);
    if (!objective) return fail(`judge reported no ${this.objectiveMetric} (the objective): ${metrics.map((m) => m.name).join(', ')}`);
    emit('judged', {
      ok: true, runs: judge.runs, ms: Date.now() - started, objective: this.objectiveMetric, value: objective.value,
      metrics: Object.fromEntries(metrics.map((m) => [m.name, m.value])), spread: Object.fromEntries(metrics.map((m) => [m.name, m.spread])),
    });
    return { status: 'passed', reason: null, metrics, objective: objective.value };
  }

  private scoreOf(v: Verdict, parent: ParentMeasure | null, diff: DiffStats, stubs: number): number | null {
    if (v.buildOk === false) return 0;
    if (!v.counts) return null;
    return score({
      buildOk: true, testsPassed: v.counts.passed, testsFailed: v.counts.failed, parentPassed: parent?.passed ?? v.counts.passed,
      parentProgress: parent?.progress ?? 0, diffAdded: diff.added, diffRemoved: diff.removed, stubsAdded: stubs,
    }, this.config.weights);
  }

  private exec(cmd: string, ws: Prepared, timeoutS: number, signal?: AbortSignal, extra: { env?: Record<string, string>; writable?: string[]; readOnly?: string[] } = {}): Promise<ProcessResult> {
    // Only the runner's copy of the dependencies is on PATH (prepare() removed any node_modules the commit held).
    const bin = ws.nodeModules ? [path.join(ws.nodeModules, '.bin')] : [];
    const env = candidateEnv({ PATH: [...bin, process.env.PATH ?? '/usr/bin:/bin'].join(':'), ...extra.env }, `${ws.dir}.home`);
    const deps = dependencyMounts(ws);
    return this.sandbox.run({
      command: ['sh', '-c', cmd], workspace: ws.dir, env, readOnly: [...deps.readOnly, ...(extra.readOnly ?? [])],
      writable: [...deps.writable, ...(extra.writable ?? [])], network: 'none', timeoutMs: timeoutS * 1000, signal,
    });
  }
}

/**
 * A command killed by Ctrl-C measured nothing: no `built`/`tested` event (it would read as a failure that never
 * happened). The caller sees the aborted signal and leaves the candidate at its step; this result is not recorded.
 */
function interrupted(diff: DiffStats): Evaluation {
  return { status: 'failed', reason: 'interrupted', buildOk: null, counts: null, via: null, diff, score: null, stubsAdded: 0, duplicateOf: null };
}

/** What events keep of an output: whole lines, its head and tail (output.ts). */
const tail = keptOutput;

export type { TestCounts };
