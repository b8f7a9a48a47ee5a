import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTestCounts, type CountSource } from '../../src/evolve/judge/testcounts.ts';

const cases: { name: string; output: string; exit: number | null; expected: [number, number, string] }[] = [
  { name: 'vitest all passing', exit: 0, expected: [7, 0, 'vitest'],
    output: ' ✓ test/a.test.ts (7 tests) 12ms\n\n Test Files  1 passed (1)\n      Tests  7 passed (7)\n   Start at  20:10:55\n' },
  { name: 'vitest with failures and skips, in colour', exit: 1, expected: [5, 2, 'vitest'],
    output: '\u001b[2m Test Files \u001b[22m \u001b[1m\u001b[31m1 failed\u001b[39m\u001b[22m\n\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[31m2 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m5 passed\u001b[39m\u001b[22m | 1 skipped\u001b[90m (8)\u001b[39m\n' },
  { name: 'jest', exit: 1, expected: [5, 1, 'jest'],
    output: 'Test Suites: 1 failed, 1 passed, 2 total\nTests:       1 failed, 2 skipped, 5 passed, 8 total\nSnapshots:   0 total\n' },
  { name: 'node:test tap reporter', exit: 1, expected: [3, 1, 'node-test'],
    output: 'TAP version 13\nok 1 - a\nnot ok 2 - b\n# tests 4\n# suites 0\n# pass 3\n# fail 1\n# cancelled 0\n' },
  { name: 'node:test spec reporter', exit: 0, expected: [4, 0, 'node-test'],
    output: '✔ adds (0.5ms)\nℹ tests 4\nℹ suites 0\nℹ pass 4\nℹ fail 0\nℹ cancelled 0\n' },
  { name: 'mocha', exit: 1, expected: [12, 3, 'mocha'], output: '\n  12 passing (40ms)\n  3 failing\n' },
  { name: 'plain line', exit: 1, expected: [9, 2, 'plain'], output: 'running...\nResult: 9 passed, 2 failed\n' },
  { name: 'bare TAP (subtests ignored, TODO not a failure)', exit: 0, expected: [2, 1, 'tap'],
    output: 'TAP version 13\n1..4\nok 1 - a\n    not ok 1 - sub\nok 2 - b\nnot ok 3 - c\nnot ok 4 - d # TODO later\n' },
  { name: 'nothing recognised, exit 0', exit: 0, expected: [1, 0, 'exit-code'], output: 'all good\n' },
  { name: 'nothing recognised, exit 1', exit: 1, expected: [0, 1, 'exit-code'], output: 'boom\n' },
  { name: 'killed by a signal', exit: null, expected: [0, 1, 'exit-code'], output: '' },
  { name: 'two vitest summaries add up', exit: 0, expected: [4, 0, 'vitest'],
    output: '      Tests  1 passed (1)\n      Tests  3 passed (3)\n' },
  { name: 'two jest runs, one failing, add up', exit: 1, expected: [7, 1, 'jest'],
    output: 'Tests:       2 passed, 2 total\nTests:       1 failed, 5 passed, 6 total\n' },
  { name: 'tape (two spaces after pass)', exit: 1, expected: [11, 1, 'node-test'],
    output: 'TAP version 13\nok 1 a\n\n1..12\n# tests 12\n# pass  11\n# fail  1\n' },
  { name: 'uvu with a skip', exit: 1, expected: [5, 2, 'uvu'], output: '  Total:     8\n  Passed:    5\n  Skipped:   1\n  Duration:  1ms\n' },
  { name: 'ava with skips and a known failure', exit: 0, expected: [12, 0, 'ava'],
    output: '  ✔ a\n  ─\n\n  1 known failure\n  12 tests passed\n  2 tests skipped\n' },
  { name: 'ava: an uncaught exception is a failure', exit: 1, expected: [3, 2, 'ava'],
    output: '  ✔ a\n  ✔ b\n  ✔ c\n  ✘ d\n  ─\n\n  1 test failed\n  1 uncaught exception\n' },
  { name: 'node-tap with skips', exit: 0, expected: [11, 0, 'node-tap'], output: '# { total: 12, pass: 11, skip: 1 }\n# time=4ms\n' },
  { name: 'jasmine with pending specs', exit: 0, expected: [7, 0, 'jasmine'], output: '10 specs, 0 failures, 3 pending specs\nFinished in 0.1 seconds\n' },
  { name: 'jasmine, one spec', exit: 3, expected: [0, 1, 'jasmine'], output: '1 spec, 1 failure\n' },
  { name: 'playwright with flaky and skipped', exit: 1, expected: [6, 1, 'playwright'],
    output: 'Running 9 tests using 2 workers\n  1 failed\n  2 skipped\n  1 flaky\n  5 passed (3.1s)\n' },
  { name: 'a "N passed" line without playwright\'s header is not playwright', exit: 0, expected: [1, 0, 'exit-code'], output: '  5 passed (3.1s)\n' },
];

describe('parseTestCounts', () => {
  it.each(cases)('$name', ({ output, exit, expected }) => {
    const counts = parseTestCounts(output, exit);
    expect([counts.passed, counts.failed, counts.source]).toEqual(expected);
  });
});

/**
 * Real output of each framework, captured from the fixture projects of test/fixtures (and, for Jasmine, Playwright
 * test and Bun, from the same two tests under them): `pass` is the two tests, `fail` adds one failing test, `twice`
 * runs the suite twice in one command (`a && a`). Files hold the stream the summary is on: Jest and Bun print it on
 * stderr, the others on stdout.
 */
const SAMPLES = path.join(import.meta.dirname, 'fixtures', 'testcounts');
const FRAMEWORKS: [string, CountSource][] = [
  ['vitest', 'vitest'], ['jest', 'jest'], ['node-test', 'node-test'], ['mocha', 'mocha'], ['uvu', 'uvu'], ['ava', 'ava'],
  ['tap', 'node-tap'], ['jasmine', 'jasmine'], ['playwright', 'playwright'], ['bun', 'bun'],
];
const sample = (fw: string, kind: string): string => {
  const stream = fw === 'jest' || fw === 'bun' ? 'stderr' : 'stdout';
  return readFileSync(path.join(SAMPLES, `${fw}.${kind}.${stream}.txt`), 'utf8');
};

describe('real framework output', () => {
  it.each(FRAMEWORKS)('%s: two passing, then one failing more, then the suite twice', (fw, source) => {
    expect(parseTestCounts(sample(fw, 'pass'), 0)).toEqual({ passed: 2, failed: 0, source });
    expect(parseTestCounts(sample(fw, 'fail'), 1)).toEqual({ passed: 2, failed: 1, source });
    expect(parseTestCounts(sample(fw, 'twice'), 0)).toEqual({ passed: 4, failed: 0, source });
  });
});
