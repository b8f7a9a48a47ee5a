import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/tui/config.ts';
import { estimateRemaining, newestActivity, summarize, survivorsNow } from '../../src/tui/stats.ts';
import { candidate, fixtureRows, runRow } from './fixture.ts';

const base = Date.parse('2026-11-25T20:05:01Z');
const { run, candidates } = fixtureRows(base);

describe('summarize', () => {
  it('counts children by status, excluding the seed, and sums tokens and cost', () => {
    const s = summarize(run, parseRunConfig(run.config_json), candidates, base + 300_000);
    expect(s).toMatchObject({ generation: 3, generations: 3, running: 2, pending: 1, done: 6, passed: 4, failed: 2, survivors: 2, planned: 9 });
    expect(s.progress).toBeCloseTo(6 / 9);
    expect(s.tokens).toBe(candidates.reduce((a, c) => a + c.input_tokens + c.output_tokens, 0));
    expect(s.costUsd).toBeCloseTo(1.46);
    expect(s.budgetUsd).toBe(5);
    expect(s.elapsedMs).toBe(300_000);
    // 3 left, each 95 s, over 3 lanes.
    expect(s.etaMs).toBe(95_000);
  });

  it('copes with a config that says nothing: progress over known children, no ETA lanes, no plan', () => {
    const s = summarize(runRow({ config_json: 'not json' }), parseRunConfig('not json'), candidates, base);
    expect(s.generations).toBeUndefined();
    expect(s.planned).toBeNull();
    expect(s.progress).toBeCloseTo(6 / 9);
  });

  it('stops the clock at finished_at and gives no ETA once the run is over', () => {
    const s = summarize(runRow({ status: 'done', finished_at: '2026-11-25T20:15:01Z' }), parseRunConfig('{}'), candidates, base + 10e9);
    expect(s.elapsedMs).toBe(600_000);
    expect(s.etaMs).toBeNull();
  });
});

describe('helpers', () => {
  it('estimates the time left only once something has finished', () => {
    expect(estimateRemaining([], 4, 2)).toBeNull();
    expect(estimateRemaining([10, 30], 4, 2)).toBe(40);
    expect(estimateRemaining([10], 0, 2)).toBe(0);
  });

  it('counts the survivors of the latest generation that has any', () => {
    expect(survivorsNow(candidates)).toBe(2);
    expect(survivorsNow([candidate({ id: 's', generation: 0, survived: 1 })])).toBe(1);
  });

  it('finds the newest activity', () => {
    expect(newestActivity(candidates)?.id).toBe('4e5f6a7b');
  });

  it('reads config_json defensively', () => {
    expect(parseRunConfig('{"population":3,"generations":"x","standin":true,"unsafeNoSandbox":1}'))
      .toEqual({ population: 3, generations: undefined, standin: true, unsafeNoSandbox: false });
    expect(parseRunConfig(null)).toEqual({ standin: false, unsafeNoSandbox: false });
    expect(parseRunConfig('{"sandbox":"none"}').unsafeNoSandbox).toBe(true);
    expect(parseRunConfig('{"sandbox":"bwrap"}').unsafeNoSandbox).toBe(false);
  });
});

describe('LineageModel.poll', () => {
  it('reads only after a commit, and retries after a failed read until it heals', async () => {
    const { LineageModel } = await import('../../src/tui/model.ts');
    const { run, candidates } = fixtureRows(base);
    let version = 1;
    let fail = false;
    let reads = 0;
    let seen = -1;
    const source = {
      path: 'x', resolveRun: () => run, activeRun: () => run, close: () => {},
      changed: () => { const moved = version !== seen; seen = version; return moved; },
      open: () => { reads++; return { run, candidates, log: [], lastEventId: 0, newestCandidateId: null, rev: 10 }; },
      changes: () => { reads++; if (fail) throw new Error('database is locked'); return { run, candidates: [], events: [], rev: 10 }; },
      candidateEvents: () => [],
    };
    const model = new LineageModel(source, run.id);
    expect(reads).toBe(1);
    expect(model.poll()).toBe(false);
    expect(reads).toBe(1);
    version++;
    fail = true;
    expect(model.poll()).toBe(true);
    expect(model.error).toBe('database is locked');
    fail = false;
    expect(model.poll()).toBe(true);
    expect(reads).toBe(3);
    expect(model.error).toBeNull();
  });
});
