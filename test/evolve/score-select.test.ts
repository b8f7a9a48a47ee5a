import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, score } from '../../src/evolve/judge/score.ts';
import { type Contender, dgmParents, rank, roundRobin, seedOf, topK } from '../../src/evolve/judge/select.ts';

const base = { buildOk: true, testsPassed: 10, testsFailed: 0, parentTests: 10, diffAdded: 0, diffRemoved: 0 };

describe('score', () => {
  it.each([
    { name: 'all passing, no diff', m: base, expected: 100 },
    { name: 'build failed scores 0', m: { ...base, buildOk: false }, expected: 0 },
    { name: 'half passing', m: { ...base, testsPassed: 5, testsFailed: 5 }, expected: 50 },
    { name: 'no tests at all', m: { ...base, testsPassed: 0 }, expected: 0 },
    { name: 'three new tests', m: { ...base, testsPassed: 13 }, expected: 106 },
    { name: 'new tests are capped', m: { ...base, testsPassed: 40 }, expected: 120 },
    { name: '1 added + 0 removed line costs 1', m: { ...base, diffAdded: 1 }, expected: 99 },
    { name: '255 changed lines cost 8', m: { ...base, diffAdded: 200, diffRemoved: 55 }, expected: 92 },
  ])('$name', ({ m, expected }) => expect(score(m)).toBeCloseTo(expected, 6));

  it('keeps diff size a small pressure: 1,000 changed lines cost under 10 points of 100', () => {
    expect(100 - score({ ...base, diffAdded: 600, diffRemoved: 400 })).toBeLessThan(10);
  });

  it('takes configurable weights', () => {
    expect(score({ ...base, diffAdded: 3 }, { ...DEFAULT_WEIGHTS, diffLog2: 0 })).toBe(100);
  });
});

const c = (id: string, s: number, passed = true, diffLines = 10, children = 0): Contender => ({ id, score: s, passed, diffLines, children });

describe('selection', () => {
  it('ranks by score, then smaller diff, then id', () => {
    expect(rank([c('b', 90), c('a', 90), c('c', 90, true, 5), c('d', 95)]).map((x) => x.id)).toEqual(['d', 'c', 'a', 'b']);
  });

  it('top-k keeps only passing children, failing never survive', () => {
    expect(topK([c('a', 50, false), c('b', 80), c('c', 90, false), c('d', 70)], 2)).toEqual(['b', 'd']);
    expect(topK([c('a', 50, false), c('b', 80), c('c', 90, false)], 2)).toEqual(['b']);
    expect(topK([c('a', 50, false)], 2)).toEqual([]);
  });

  it('spreads children round-robin over survivors in rank order', () => {
    expect(roundRobin(['x', 'y'], 3)).toEqual(['x', 'y', 'x']);
    expect(roundRobin(['x'], 3)).toEqual(['x', 'x', 'x']);
    expect(roundRobin(['x', 'y', 'z', 'w'], 3)).toEqual(['x', 'y', 'z']);
  });

  it('dgm sampling is reproducible, ignores failing candidates and favours high scores with few children', () => {
    const archive = [c('seed', 100, true, 0, 3), c('a', 100), c('b', 10), c('f', 1000, false)];
    const one = dgmParents(archive, 6, seedOf('run-1/g2'));
    expect(dgmParents(archive, 6, seedOf('run-1/g2'))).toEqual(one);
    expect(one).not.toContain('f');
    const counts = new Map<string, number>();
    for (let g = 0; g < 200; g++) for (const p of dgmParents(archive, 3, seedOf(`run/${g}`))) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect(counts.get('a')!).toBeGreaterThan(counts.get('seed')!);
    expect(counts.get('seed')!).toBeGreaterThan(counts.get('b')!);
  });
});
