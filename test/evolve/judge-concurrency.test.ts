/** --judge-concurrency: how many candidates are built and tested at once, apart from how many agents run. */
import { describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../src/cli/config.ts';
import { defaultJudgeConcurrency } from '../../src/evolve/config.ts';
import { Slots } from '../../src/evolve/repo/mutex.ts';

describe('Slots', () => {
  it('runs at most `limit` at once, the rest in arrival order, and frees a slot on failure', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates = Array.from({ length: 5 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const jobs = gates.map((gate, i) => slots.run(async () => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await gate.promise;
      running--;
      if (i === 1) throw new Error('boom');
      return i;
    }));
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    for (const gate of gates) gate.resolve();
    const results = await Promise.allSettled(jobs);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
});

describe('the setting', () => {
  it('defaults to half the cores, at least one', () => {
    expect([1, 2, 3, 8, 64].map((n) => defaultJudgeConcurrency(n))).toEqual([1, 1, 1, 4, 32]);
  });

  it('is a flag or a config key of its own, a whole number of at least 1', () => {
    expect(parseRunOptions({ judgeConcurrency: '3' }, { population: 4, generations: 1 }).judgeConcurrency).toBe(3);
    expect(parseRunOptions({}, { population: 4, generations: 1, judgeConcurrency: 2, allowFailingSeed: true })).toMatchObject({ judgeConcurrency: 2, allowFailingSeed: true });
    expect(() => parseRunOptions({ judgeConcurrency: '0' }, { population: 1, generations: 1 })).toThrow('--judge-concurrency must be at least 1');
  });
});
