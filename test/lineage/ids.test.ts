import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_ID_PATTERN, RUN_ID_PATTERN, candidateBranch, newCandidateId, newRunId,
} from '../../src/lineage/ids.ts';

describe('ids', () => {
  it('makes run ids from the UTC start time and 4 random hex digits', () => {
    const id = newRunId(new Date('2026-03-04T05:06:07.890Z'));
    expect(id).toMatch(/^20260304-050607-[0-9a-f]{4}$/);
    expect(id).toMatch(RUN_ID_PATTERN);
  });

  it('makes 8-hex candidate ids that do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newCandidateId(() => false)));
    for (const id of ids) expect(id).toMatch(CANDIDATE_ID_PATTERN);
    expect(ids.size).toBe(1000);
  });

  it('draws again while the id is taken', () => {
    const seen: string[] = [];
    const id = newCandidateId((candidate) => {
      seen.push(candidate);
      return seen.length < 3;
    });
    expect(seen).toHaveLength(3);
    expect(id).toBe(seen[2]);
  });

  it('names a child branch after its run, generation and id', () => {
    expect(candidateBranch('20260304-050607-ab12', 3, 'c0ffee01')).toBe('evolve/20260304-050607-ab12/g3-c0ffee01');
  });
});
