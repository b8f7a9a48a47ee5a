/**
 * Contract 5: the runner judges a committed candidate. It checks the diff against the parent (protected paths,
 * emptiness), then builds and tests a FRESH checkout of the commit — never the workspace the agent touched — in the
 * sandbox with the frozen commands, read-only dependencies and its own timeouts, and scores what it measured.
 */
import path from 'node:path';
import { defaultJudgeConcurrency, isProtected, type RunConfig } from '../config.ts';
import { Slots } from '../repo/mutex.ts';
import { keptOutput, withFirstError } from './output.ts';
import type { DiffStats, Git } from '../repo/git.ts';
import type { Sandbox } from '../jail/sandbox.ts';
import { outputTail } from '../../process/collector.ts';
import { combinedOutput, type ProcessResult } from '../../process/run.ts';
import { candidateEnv } from '../jail/sandbox.ts';
import { score } from './score.ts';
import { parseTestCounts, type TestCounts } from './testcounts.ts';
import type { Prepared, Workspaces } from '../repo/workspace.ts';
import { dependencyMounts, resetWritable } from '../repo/dependency-view.ts';

export interface Evaluation {
  status: 'passed' | 'failed' | 'rejected';
  reason: string | null;
  buildOk: boolean | null;
  counts: TestCounts | null;
  diff: DiffStats;
  score: number | null;
}

/** What evaluation needs to know about the parent (null for the seed, which is measured, not judged). */
export interface ParentMeasure { commit: string; tests: number; source: TestCounts['source'] }

export type EvalEvent = (kind: 'built' | 'tested' | 'rejected', data: Record<string, unknown>) => void;

export class Evaluator {
  /** Builds and test runs at once, across all candidates (--judge-concurrency). */
  private readonly slots: Slots;

  constructor(
    private readonly git: Git,
    private readonly sandbox: Sandbox,
    private readonly workspaces: Workspaces,
    private readonly config: RunConfig,
  ) {
    this.slots = new Slots(config.judgeConcurrency ?? defaultJudgeConcurrency());
  }

  async evaluate(candidateId: string, commit: string, parent: ParentMeasure | null, depsFrom: string | null, emit: EvalEvent, signal?: AbortSignal): Promise<Evaluation> {
    const { stats: diff, paths } = parent ? await this.git.diff(parent.commit, commit) : { stats: { added: 0, removed: 0, files: 0 }, paths: [] };
    if (parent) {
      const touched = paths.filter((f) => isProtected(f, this.config.protectedPaths));
      const reason = touched.length > 0 ? `protected path edited: ${touched.slice(0, 5).join(', ')}`
        : diff.files === 0 ? 'empty diff (only agent_context.json or nothing changed)' : null;
      if (reason) {
        emit('rejected', { reason, paths: touched });
        return { status: 'rejected', reason, buildOk: null, counts: null, diff, score: null };
      }
    }
    return this.slots.run(() => this.buildAndTest(candidateId, commit, parent, depsFrom, diff, emit, signal));
  }

  /** Stages 3 and 4 on a fresh checkout, holding one of the judging slots. */
  private async buildAndTest(candidateId: string, commit: string, parent: ParentMeasure | null, depsFrom: string | null, diff: DiffStats, emit: EvalEvent, signal?: AbortSignal): Promise<Evaluation> {
    if (signal?.aborted) return interrupted(diff);
    const ws = await this.workspaces.prepare(candidateId, commit, depsFrom, 'eval');
    try {
      let buildOk = true;
      if (this.config.build.cmd) {
        const build = await this.exec(this.config.build.cmd, ws, this.config.buildTimeoutS, signal);
        if (signal?.aborted) return interrupted(diff);
        buildOk = build.exitCode === 0 && !build.timedOut;
        emit('built', { ok: buildOk, exit_code: build.exitCode, timed_out: build.timedOut, ms: build.ms, output_tail: tail(combinedOutput(build)) });
        if (!buildOk) {
          const reason = withFirstError(build.timedOut ? 'build timed out' : `build failed (exit ${build.exitCode ?? build.signal})`, combinedOutput(build));
          return { status: 'failed', reason, buildOk, counts: null, diff, score: 0 };
        }
      }
      // The build's cache entries go: what the tests see is the dependencies, not what the candidate's code left there.
      await resetWritable(ws.depsWritable);
      const test = await this.exec(this.config.test.cmd!, ws, this.config.testTimeoutS, signal);
      if (signal?.aborted) return interrupted(diff);
      const counts = test.timedOut ? { passed: 0, failed: 1, source: 'exit-code' as const } : parseTestCounts(combinedOutput(test), test.exitCode);
      emit('tested', { passed: counts.passed, failed: counts.failed, source: counts.source, exit_code: test.exitCode, timed_out: test.timedOut, ms: test.ms, output_tail: tail(combinedOutput(test)) });
      const total = counts.passed + counts.failed;
      const measured = score({ buildOk, testsPassed: counts.passed, testsFailed: counts.failed, parentTests: parent?.tests ?? total, diffAdded: diff.added, diffRemoved: diff.removed }, this.config.weights);
      const comparable = parent && counts.source !== 'exit-code' && parent.source !== 'exit-code';
      if (comparable && total < parent.tests) {
        const reason = `tests removed: ${total} < ${parent.tests} in the parent`;
        emit('rejected', { reason });
        return { status: 'rejected', reason, buildOk, counts, diff, score: measured };
      }
      if (test.exitCode !== 0 || counts.failed > 0 || test.timedOut) {
        const reason = withFirstError(test.timedOut ? 'tests timed out' : `tests failed (${counts.failed} failed, exit ${test.exitCode ?? test.signal})`, combinedOutput(test));
        return { status: 'failed', reason, buildOk, counts, diff, score: measured };
      }
      return { status: 'passed', reason: null, buildOk, counts, diff, score: measured };
    } finally {
      this.workspaces.discard(candidateId, 'eval');
    }
  }

  private exec(cmd: string, ws: Prepared, timeoutS: number, signal?: AbortSignal): Promise<ProcessResult> {
    const dir = ws.dir;
    const env = candidateEnv({ PATH: [path.join(dir, 'node_modules', '.bin'), process.env.PATH ?? '/usr/bin:/bin'].join(':') }, `${dir}.home`);
    return this.sandbox.run({
      command: ['sh', '-c', cmd], workspace: dir, env, ...dependencyMounts(ws),
      network: 'none', timeoutMs: timeoutS * 1000, signal,
    });
  }
}

/**
 * A command killed by Ctrl-C measured nothing: no `built`/`tested` event (it would read as a failure that never
 * happened). The caller sees the aborted signal and leaves the candidate at its step; this result is not recorded.
 */
function interrupted(diff: DiffStats): Evaluation {
  return { status: 'failed', reason: 'interrupted', buildOk: null, counts: null, diff, score: null };
}

/** What events keep of an output: whole lines, its head and tail (output.ts). */
const tail = keptOutput;
