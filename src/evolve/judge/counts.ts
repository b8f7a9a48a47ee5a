/**
 * The tests' verdict from the test process, by rules a candidate cannot bend:
 *   - counts come from the process's standard output only (stderr is anyone's, and a flood there cannot push the
 *     summary out of what is kept),
 *   - with the reader of the framework the parent's (ultimately the seed's) output was read with: a child whose
 *     output has no such summary — none at all, or only another framework's — is `failed` ("test counts unreadable"),
 *     never passed on its exit code,
 *   - fewer tests than the parent is `rejected` (its test files are restored, so this is tests that stopped running).
 * When the seed's own output could not be read, children are judged like it, by exit code alone.
 */
import type { ProcessExit } from '../jail/sandbox.ts';
import { parseTestCounts, type CountSource, type TestCounts } from './testcounts.ts';

export interface CountsVerdict {
  status: 'passed' | 'failed' | 'rejected';
  reason: string | null;
  counts: TestCounts;
}

export function judgeCounts(test: Pick<ProcessExit, 'code' | 'signal' | 'timedOut' | 'stdout'>, parent: { tests: number; source: CountSource } | null): CountsVerdict {
  if (test.timedOut) return { status: 'failed', reason: 'tests timed out', counts: { passed: 0, failed: 1, source: 'exit-code' } };
  const counts = parseTestCounts(test.stdout, test.code);
  const expected = parent && parent.source !== 'exit-code' ? parent.source : null;
  if (expected && counts.source !== expected) {
    const found = counts.source === 'exit-code' ? 'none' : `a ${counts.source} summary`;
    return { status: 'failed', reason: `test counts unreadable: no ${expected} summary on the test command's stdout (found ${found}; exit ${test.code ?? test.signal})`, counts };
  }
  const total = counts.passed + counts.failed;
  if (expected && parent && total < parent.tests) {
    return { status: 'rejected', reason: `tests removed: ${total} < ${parent.tests} in the parent`, counts };
  }
  if (test.code !== 0 || counts.failed > 0) {
    return { status: 'failed', reason: `tests failed (${counts.failed} failed, exit ${test.code ?? test.signal})`, counts };
  }
  return { status: 'passed', reason: null, counts };
}
