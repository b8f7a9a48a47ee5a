import { describe, expect, it } from 'vitest';
import { bestCandidate } from '../../src/lineage/best.ts';
import type { CandidateRow } from '../../src/lineage/schema.ts';
import { candidate } from '../tui/fixture.ts';

const row = (p: Partial<CandidateRow> & { id: string }) => candidate({ generation: 1, status: 'passed', ...p });

describe('the best candidate (one rule for the summary, lineage, show and the TUI)', () => {
  it('is the top score among passed children, ties to the later generation, then the smaller id', () => {
    const rows = [row({ id: 's', generation: 0, score: 100 }), row({ id: 'b', score: 98 }), row({ id: 'c', generation: 2, score: 98 }),
      row({ id: 'a', generation: 2, score: 98 }), row({ id: 'z', status: 'failed', score: 99 })];
    expect(bestCandidate(rows)?.id).toBe('a');
  });

  it('is the seed only when no child passed, and only when the seed passed itself', () => {
    expect(bestCandidate([row({ id: 's', generation: 0, score: 5 }), row({ id: 'x', status: 'failed' })])?.id).toBe('s');
    expect(bestCandidate([row({ id: 's', generation: 0, status: 'failed', score: 0 }), row({ id: 'x', status: 'failed' })])).toBeNull();
    expect(bestCandidate([])).toBeNull();
  });

  it('puts a passed child without a score last', () => {
    expect(bestCandidate([row({ id: 'n', score: null }), row({ id: 'm', score: -3 })])?.id).toBe('m');
  });
});
