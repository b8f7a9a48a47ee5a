/** runs.config_json's one schema (src/lineage/run-config.ts), read field by field whatever evolve wrote it. */
import { describe, expect, it } from 'vitest';
import { objectiveGoalOf, readRunConfig, runConfigObject } from '../../src/lineage/run-config.ts';
import { readObjective } from '../../src/report/metrics.ts';

describe('readRunConfig', () => {
  it('reads a config as the runner froze it', () => {
    const frozen = {
      population: 3, generations: 2, survivors: 2, concurrency: 3, judgeConcurrency: 1, allowFailingSeed: false, strategy: 'top-k',
      model: 'claude-sonnet-4-5', budgetUsd: 10, candidateBudgetUsd: null, push: null, seedGoal: '', sandbox: 'bwrap', agent: null,
      judge: { given: 'node bench.js', runs: 1 }, objective: { metric: 'ops', goal: 'min' }, head: 'a'.repeat(40), workdir: '/w',
      ownsWorkdir: true, prices: { 'claude-sonnet-4-5': {} },
    };
    const c = readRunConfig(JSON.stringify(frozen));
    expect(c).toMatchObject({ population: 3, model: 'claude-sonnet-4-5', budgetUsd: 10, judge: { given: 'node bench.js', runs: 1 }, head: 'a'.repeat(40) });
    // An unlimited budget is stored as null (JSON has no Infinity).
    expect(c.candidateBudgetUsd).toBe(Infinity);
    expect(objectiveGoalOf(c)).toBe('min');
    expect(readObjective(JSON.stringify(frozen))).toEqual({ metric: 'ops', goal: 'min', higherIsBetter: false });
    expect(runConfigObject(JSON.stringify(frozen))).toEqual(frozen);
  });

  it('reads an older run\'s config: what it lacks or holds with another type is absent, nothing breaks', () => {
    const old = JSON.stringify({ population: 3, generations: '2', model: 'm', judge: 'node bench.js', objective: { metric: 'ops', goal: 'minimize' } });
    expect(readRunConfig(old)).toEqual({ population: 3, model: 'm' });
    expect(objectiveGoalOf(readRunConfig(old))).toBeNull();
    expect(readObjective(old)).toBeNull();
    expect(readRunConfig('{oops')).toEqual({});
    expect(runConfigObject('[1]')).toEqual({});
    // A judge without an objective ranks by its first metric, max.
    expect(objectiveGoalOf(readRunConfig('{"judge":{"given":"x"}}'))).toBe('max');
  });
});
