/** `evolve lineage` lines: with the default weights scores run to 100 and beyond, and the columns still line up. */
import { expect, it } from 'vitest';
import { candidateLine } from '../../src/lineage/render.ts';
import type { CandidateRow } from '../../src/lineage/schema.ts';

it('right-aligns a score of 100 or more with the two-digit ones', () => {
  const row = (id: string, score: number) => ({ id, generation: 1, status: 'passed', score, diff_added: 1, diff_removed: 0, survived: 0, goal: 'g', error: null, parent_id: 'p' }) as unknown as CandidateRow;
  const a = candidateLine(row('aaaaaaaa', 100), null);
  const b = candidateLine(row('bbbbbbbb', 98), null);
  const c = candidateLine(row('cccccccc', -12.5), null);
  expect(a.indexOf('+1/')).toBe(b.indexOf('+1/'));
  expect(c.indexOf('+1/')).toBe(b.indexOf('+1/'));
});
