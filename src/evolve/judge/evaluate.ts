/**
 * Contract 5: the runner judges a committed candidate. It checks the diff against the parent (protected paths,
 * emptiness), then builds and tests a FRESH checkout of the commit — never the workspace the agent touched — in the
 * sandbox with the frozen commands, read-only dependencies and its own timeouts, and scores what it measured.
 */
import path from 'node:path';
import { isProtected, type RunConfig } from '../config.ts';
import type { DiffStats, Git } from '../repo/git.ts';
import type { Sandbox } from '../jail/sandbox.ts';
import { outputTail } from '../../process/collector.ts';
import { combinedOutput, type ProcessResult } from '../../process/run.ts';
import { candidateEnv } from '../jail/sandbox.ts';
import { score } from './score.ts';
import { parseTestCounts, type TestCounts } from './testcounts.ts';
import type { Workspaces } from '../repo/workspace.ts';

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
  constructor(
    private readonly git: Git,
    private readonly sandbox: Sandbox,
    private readonly workspaces: Workspaces,
    private readonly config: RunConfig,
  ) {}

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
    const ws = await this.workspaces.prepare(candidateId, commit, depsFrom, 'eval');
    try {
      let buildOk = true;
      if (this.config.build.cmd) {
        const build = await this.exec(this.config.build.cmd, ws.dir, ws.nodeModules, this.config.buildTimeoutS, signal);
        if (signal?.aborted) return interrupted(diff);
        buildOk = build.exitCode === 0 && !build.timedOut;
        emit('built', { ok: buildOk, exit_code: build.exitCode, timed_out: build.timedOut, ms: build.ms, output_tail: tail(combinedOutput(build)) });
        if (!buildOk) {
          const reason = build.timedOut ? 'build timed out' : `build failed (exit ${build.exitCode ?? build.signal})`;
          return { status: 'failed', reason, buildOk, counts: null, diff, score: 0 };
        }
      }
      const test = await this.exec(this.config.test.cmd!, ws.dir, ws.nodeModules, this.config.testTimeoutS, signal);
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
        const reason = test.timedOut ? 'tests timed out' : `tests failed (${counts.failed} failed, exit ${test.exitCode ?? test.signal})`;
        return { status: 'failed', reason, buildOk, counts, diff, score: measured };
      }
      return { status: 'passed', reason: null, buildOk, counts, diff, score: measured };
    } finally {
      await this.workspaces.remove(candidateId, 'eval');
    }
  }

  private exec(cmd: string, dir: string, nodeModules: string | null, timeoutS: number, signal?: AbortSignal): Promise<ProcessResult> {
    const env = candidateEnv({ PATH: [path.join(dir, 'node_modules', '.bin'), process.env.PATH ?? '/usr/bin:/bin'].join(':') }, `${dir}.home`);
    return this.sandbox.run({
      command: ['sh', '-c', cmd], workspace: dir, env, readOnly: nodeModules ? [nodeModules] : [],
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

const tail = (output: string): string => outputTail(output, 2000);
