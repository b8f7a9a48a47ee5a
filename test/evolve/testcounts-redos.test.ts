/**
 * Test counts are read from the candidate's test output with patterns that are quadratic on a long run of spaces:
 * one hostile 256 KB line made parseTestCounts block the runner's event loop (and with it the proxy serving every
 * other candidate) for minutes. Summary lines are short; long lines are skipped.
 */
import { describe, expect, it } from 'vitest';
import { parseTestCounts } from '../../src/evolve/judge/testcounts.ts';

describe('parseTestCounts on hostile output', () => {
  it('returns at once on a 256 KB line made to backtrack, and still finds the real summary', () => {
    for (const prefix of ['Tests', 'Tests:', '1 passed,', '#']) {
      const output = `${prefix}${' '.repeat(256 * 1024)}x\n 3 passed, 0 failed\n`;
      const started = performance.now();
      const counts = parseTestCounts(output, 0);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(counts).toEqual({ passed: 3, failed: 0, source: 'plain' });
    }
  });
});
