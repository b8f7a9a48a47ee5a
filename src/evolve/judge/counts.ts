/**
 * The tests' verdict from the test process, by rules a candidate cannot bend:
 *   - counts come from the reports node:test or Jest wrote for the runner (reports.ts) when the parent's did, else from the
 *     process's standard output only (stderr is anyone's, and a flood there cannot push the summary out of what is
 *     kept),
 *   - (a framework that prints its summary on stderr and writes no report — Bun — is read from stderr, for the whole
 *     lineage, when the seed's stdout has no summary and its stderr has one),
 *   - with the reader of the framework the parent's (ultimately the seed's) output was read with: a child whose
 *     output has no such summary — none at all, or only another framework's — is `failed` ("test counts unreadable"),
 *     never passed on its exit code,
 *   - fewer tests than the parent is `rejected` (its test files are restored, so this is tests that stopped running).
 * When the seed's own output could not be read, children are judged like it, by exit code alone.
 */
import type { ProcessResult } from '../../process/run.ts';
import { parseTestCounts, type CountSource, type TestCounts } from './testcounts.ts';

export interface CountsVerdict {
  status: 'passed' | 'failed' | 'rejected';
  reason: string | null;
  counts: TestCounts;
  /** Where the counts were read: the runner's reports or standard output. */
  via: CountVia;
}

/**
 * Where counts were read: the runner's reports, standard output, or — only for a framework that prints its summary
 * on stderr and writes no report for the runner (Bun) — standard error, chosen by the seed and kept for the lineage.
 */
export type CountVia = 'report' | 'stdout' | 'stderr';

export interface CountBaseline { tests: number; source: CountSource; via?: CountVia }

type Reports = { passed: number; failed: number; source?: 'node-test' | 'jest' } | 'unreadable' | null;

export function judgeCounts(test: Pick<ProcessResult, 'exitCode' | 'signal' | 'timedOut' | 'stdout'> & { stderr?: string }, parent: CountBaseline | null, reports: Reports = null): CountsVerdict {
  const exit = test.exitCode ?? test.signal;
  if (test.timedOut) return { status: 'failed', reason: 'tests timed out', counts: { passed: 0, failed: 1, source: 'exit-code' }, via: 'stdout' };
  const unreadable = (why: string, counts: TestCounts, via: CountVia): CountsVerdict =>
    ({ status: 'failed', reason: `test counts unreadable: ${why} (exit ${exit})`, counts, via });
  // The seed is read from reports when node:test wrote any; each child the way its parent was.
  const useReports = parent ? parent.via === 'report' : reports !== null;
  let counts: TestCounts;
  let via: CountVia = 'report';
  if (useReports) {
    const expected = parent?.source === 'jest' ? 'jest' : 'node-test';
    if (reports === 'unreadable') return unreadable('the report directory holds files that are no test report', { passed: 0, failed: 1, source: expected }, 'report');
    if (reports === null) return unreadable(`no ${expected} report was written, as the parent's run did`, { passed: 0, failed: 1, source: expected }, 'report');
    counts = { passed: reports.passed, failed: reports.failed, source: reports.source ?? 'node-test' };
  } else {
    const stdoutCounts = parseTestCounts(test.stdout, test.exitCode);
    const fromStderr = parent ? parent.via === 'stderr' : stdoutCounts.source === 'exit-code' && parseTestCounts(test.stderr ?? '', test.exitCode).source !== 'exit-code';
    counts = fromStderr ? parseTestCounts(test.stderr ?? '', test.exitCode) : stdoutCounts;
    const stream = fromStderr ? 'stderr' : 'stdout';
    via = stream;
    const expected = parent && parent.source !== 'exit-code' ? parent.source : null;
    if (expected && counts.source !== expected) {
      const found = counts.source === 'exit-code' ? 'none' : `a ${counts.source} summary`;
      return unreadable(`no ${expected} summary on the test command's ${stream} (found ${found})`, counts, stream);
    }
  }
  const total = counts.passed + counts.failed;
  if (parent && parent.source !== 'exit-code' && total < parent.tests) {
    return { status: 'rejected', reason: `tests removed: ${total} < ${parent.tests} in the parent`, counts, via };
  }
  if (test.exitCode !== 0 || counts.failed > 0) {
    return { status: 'failed', reason: `tests failed (${counts.failed} failed, exit ${exit})`, counts, via };
  }
  return { status: 'passed', reason: null, counts, via };
}
