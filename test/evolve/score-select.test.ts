import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, progressOf, score, ScoreWeights, type ScoreInputs } from '../../src/evolve/judge/score.ts';
import { type Contender, dgmParents, fitness, mulberry32, rank, roundRobin, seedOf, topK } from '../../src/evolve/judge/select.ts';

const base: ScoreInputs = { buildOk: true, testsPassed: 10, testsFailed: 0, parentPassed: 10, parentProgress: 0, diffAdded: 0, diffRemoved: 0 };

describe('score', () => {
  it.each([
    { name: 'all passing, no diff', m: base, expected: 100 },
    { name: 'build failed scores 0', m: { ...base, buildOk: false }, expected: 0 },
    { name: 'half passing', m: { ...base, testsPassed: 5, testsFailed: 5 }, expected: 50 },
    { name: 'no tests at all', m: { ...base, testsPassed: 0 }, expected: 0 },
    { name: 'three new tests', m: { ...base, testsPassed: 13 }, expected: 106 },
    { name: 'new tests are capped per generation', m: { ...base, testsPassed: 40 }, expected: 120 },
    { name: "the lineage's progress is carried", m: { ...base, parentProgress: 14, testsPassed: 11 }, expected: 116 },
    { name: '1 changed line costs 0.25', m: { ...base, diffAdded: 1 }, expected: 99.75 },
    { name: '255 changed lines cost the cap, 1.9', m: { ...base, diffAdded: 200, diffRemoved: 55 }, expected: 98.1 },
    { name: 'each stub marker costs 3', m: { ...base, stubsAdded: 2 }, expected: 94 },
  ])('$name', ({ m, expected }) => expect(score(m)).toBeCloseTo(expected, 6));

  it('the worked example of docs/judge.md', () => {
    // seed: 10 tests pass. g1 adds 2 passing tests in 40 changed lines; g2 adds 1 in 300 lines.
    const g1 = score({ ...base, testsPassed: 12, diffAdded: 35, diffRemoved: 5 });
    const g2 = score({ ...base, parentPassed: 12, parentProgress: progressOf(0, 10, 12), testsPassed: 13, diffAdded: 300 });
    expect(g1).toBeCloseTo(100 + 4 - 0.25 * Math.log2(41), 6); // 102.660
    expect(g2).toBeCloseTo(100 + 6 - 1.9, 6); // 104.1
  });

  it('takes configurable weights', () => {
    expect(score({ ...base, diffAdded: 3 }, { ...DEFAULT_WEIGHTS, diffLog2: 0 })).toBe(100);
  });
});

describe('score properties (random lineages, seeded)', () => {
  const random = mulberry32(20261202);
  const int = (n: number) => Math.floor(random() * n);

  it('a descendant that keeps every inherited test passing and adds tested work scores above every ancestor', () => {
    for (let trial = 0; trial < 500; trial++) {
      const newTest = 1 + random() * 5;
      const w = ScoreWeights.parse({ newTest, newTestCap: 1 + int(12), diffLog2: random(), diffCap: random() * newTest * 0.99 });
      let passed = int(50);
      let progress = 0;
      const scores = [score({ ...base, testsPassed: passed, parentPassed: passed }, w)];
      for (let g = 1; g <= 1 + int(8); g++) {
        const added = 1 + int(15);
        const s = score({ ...base, testsPassed: passed + added, parentPassed: passed, parentProgress: progress, diffAdded: int(5000), diffRemoved: int(5000) }, w);
        expect(s).toBeGreaterThan(Math.max(...scores));
        progress = progressOf(progress, passed, passed + added, w);
        passed += added;
        scores.push(s);
      }
    }
  });

  it('never rewards a failing test over a passing one, and never goes up with a bigger diff or more stubs', () => {
    for (let trial = 0; trial < 500; trial++) {
      const m: ScoreInputs = { ...base, testsPassed: 1 + int(40), testsFailed: int(3), parentPassed: int(40), parentProgress: int(30), diffAdded: int(500), diffRemoved: int(500), stubsAdded: int(3) };
      expect(score({ ...m, diffAdded: m.diffAdded + 1 + int(100) })).toBeLessThanOrEqual(score(m));
      expect(score({ ...m, stubsAdded: m.stubsAdded! + 1 })).toBeLessThan(score(m));
      if (m.testsFailed > 0) expect(score({ ...m, testsPassed: m.testsPassed - 1, testsFailed: m.testsFailed + 1 })).toBeLessThan(score(m));
      expect(score({ ...m, buildOk: false })).toBe(0);
    }
  });
});

const c = (id: string, s: number, passed = true, diffLines = 10, children = 0, objective: number | null = null): Contender => ({ id, score: s, passed, diffLines, children, objective });

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

  it('with an objective ranks by it, max or min, then smaller diff, then id; unmeasured last', () => {
    const list = [c('a', 99, true, 10, 0, 5), c('b', 50, true, 10, 0, 9), c('c', 100, true, 3, 0, 5), c('d', 120, true, 1, 0, null)];
    expect(rank(list, 'max').map((x) => x.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(rank(list, 'min').map((x) => x.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(topK([...list, c('e', 0, false, 0, 0, 1000)], 2, 'max')).toEqual(['b', 'c']);
    expect(topK(list, 1, 'min')).toEqual(['c']);
  });

  it('dgm samples in proportion to a positive transform of the objective, whatever its sign', () => {
    const archive = [c('slow', 100, true, 0, 0, -50), c('mid', 100, true, 0, 0, -10), c('fast', 100, true, 0, 0, 30)];
    expect(fitness(archive, 'max').every((w) => w > 0)).toBe(true);
    expect(fitness(archive, 'max')[2] / fitness(archive, 'max')[0]).toBeCloseTo(Math.exp(3), 6);
    const counts = new Map<string, number>();
    for (let g = 0; g < 300; g++) for (const p of dgmParents(archive, 1, seedOf(`obj/${g}`), 'max')) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect(counts.get('fast')!).toBeGreaterThan(counts.get('mid')!);
    expect(counts.get('mid')!).toBeGreaterThan(counts.get('slow')!);
    const min = new Map<string, number>();
    for (let g = 0; g < 300; g++) for (const p of dgmParents(archive, 1, seedOf(`obj/${g}`), 'min')) min.set(p, (min.get(p) ?? 0) + 1);
    expect(min.get('slow')!).toBeGreaterThan(min.get('fast')!);
  });
});
