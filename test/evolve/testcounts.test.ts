import { describe, expect, it } from 'vitest';
import { parseTestCounts } from '../../src/evolve/judge/testcounts.ts';

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
  { name: 'the last vitest summary wins', exit: 0, expected: [3, 0, 'vitest'],
    output: '      Tests  1 passed (1)\n      Tests  3 passed (3)\n' },
];

describe('parseTestCounts', () => {
  it.each(cases)('$name', ({ output, exit, expected }) => {
    const counts = parseTestCounts(output, exit);
    expect([counts.passed, counts.failed, counts.source]).toEqual(expected);
  });
});
