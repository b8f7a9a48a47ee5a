/** Prices, costs, worst cases and the pre-run estimate: pure functions, tested with tables of cases. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { DEFAULT_TYPICAL_CANDIDATE, estimateRun, formatEstimate, typicalCandidate } from '../../src/evolve/estimate.ts';
import {
  costNanos, costOf, DEFAULT_PRICES, priceFor, requirePrices, resolvePrices, worstCaseNanos, type Usage,
} from '../../src/evolve/proxy/prices.ts';
import { forwardedBetas, promptTokenBound } from '../../src/evolve/proxy/request.ts';

const u = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0, cacheWrite1hTokens = 0): Usage =>
  ({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens });

describe('costOf', () => {
  const sonnet = DEFAULT_PRICES['claude-sonnet-5-5'];
  it.each([
    ['a million input tokens', u(1_000_000, 0), 2],
    ['a million output tokens', u(0, 1_000_000), 10],
    ['cache reads and 5-minute writes', u(0, 0, 1_000_000, 1_000_000), 0.1 + 2.5],
    ['1-hour writes at their own rate', u(0, 0, 0, 1_000_000, 400_000), 0.6 * 2.5 + 0.4 * 4],
    ['a typical call', u(1200, 345, 5000, 800), (1200 * 2 + 345 * 10 + 5000 * 0.1 + 800 * 2.5) / 1e6],
    ['nothing', u(0, 0), 0],
  ])('%s', (_, usage, expected) => {
    expect(costOf(usage, sonnet)).toBeCloseTo(expected, 12);
  });

  it('bills every token of a long prompt at the long-prompt rates of a tiered model', () => {
    const haiku = DEFAULT_PRICES['claude-haiku-5-5'];
    expect(costOf(u(100_000, 1000), haiku)).toBeCloseTo((100_000 * 0.1 + 1000 * 0.5) / 1e6, 12);
    expect(costOf(u(100_001, 1000), haiku)).toBeCloseTo((100_001 * 0.5 + 1000 * 2.5) / 1e6, 12);
  });

  it('never costs more than the worst case reserved for the same tokens', () => {
    for (const [model, price] of Object.entries(DEFAULT_PRICES)) {
      for (const [prompt, out] of [[1, 1], [999, 77], [150_000, 32_000], [2_000_000, 128_000]]) {
        const worst = worstCaseNanos(prompt, out, price, true);
        for (const usage of [u(prompt, out), u(0, out, 0, prompt, prompt), u(0, out, prompt), u(prompt / 2, out, 0, prompt / 2)]) {
          expect(costNanos(usage, price), `${model} ${prompt}/${out}`).toBeLessThanOrEqual(worst);
        }
      }
    }
  });
});

describe('the price table', () => {
  it('finds dated ids by their alias and refuses unknown models', () => {
    const table = resolvePrices();
    expect(priceFor(table, 'claude-haiku-4-5-20251001')).toBe(table['claude-haiku-4-5']);
    expect(priceFor(table, 'claude-unknown-9')).toBeUndefined();
    expect(() => requirePrices(table, ['claude-unknown-9'])).toThrow(UsageError);
    expect(() => requirePrices(table, ['claude-opus-5-5'])).not.toThrow();
  });

  it('takes overrides from the config, validated, and freezes the result', () => {
    const table = resolvePrices({ 'my-gateway-model': { input: 1, output: 2, cacheWrite: 1.25, cacheRead: 0.1 } });
    expect(table['my-gateway-model']).toEqual({ input: 1, output: 2, cacheWrite: 1.25, cacheRead: 0.1 });
    expect(table['claude-opus-5']).toEqual(DEFAULT_PRICES['claude-opus-5']);
    expect(Object.isFrozen(table)).toBe(true);
    expect(JSON.parse(JSON.stringify(table))).toEqual(table);
    expect(() => resolvePrices({ x: { input: -1, output: 2, cacheWrite: 1, cacheRead: 0 } })).toThrow(/prices: x\.input/);
    expect(() => resolvePrices({ x: { input: 1 } })).toThrow(UsageError);
  });
});

describe('request sizing', () => {
  it('bounds the prompt by its bytes, plus images and the API\'s framing', () => {
    const text = Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1000) }] }));
    expect(promptTokenBound(text, 1)).toBe(text.length + 2000);
    const image = Buffer.from('{"type":"image","source":{"type":"base64","data":"AAAA"}}');
    expect(promptTokenBound(image, 1)).toBe(image.length + 5000 + 2000);
  });

  it('drops betas that reach the network or reprice long prompts', () => {
    expect(forwardedBetas('interleaved-thinking-2025-05-14, context-1m-2025-08-07,files-api-2025-04-14')).toBe('interleaved-thinking-2025-05-14');
    expect(forwardedBetas('context-1m-2025-08-07')).toBeUndefined();
    expect(forwardedBetas(undefined)).toBeUndefined();
  });
});

describe('estimateRun', () => {
  const price = DEFAULT_PRICES['claude-sonnet-5-5'];
  const typicalCost = costOf(DEFAULT_TYPICAL_CANDIDATE, price);

  it('counts candidates and bounds the cost by the budgets', () => {
    const e = estimateRun({ population: 3, generations: 5, runBudgetUsd: 10, candidateBudgetUsd: 0.5, price });
    expect(e.candidates).toBe(15);
    expect(e.upperBoundUsd).toBe(7.5);
    expect(e.typicalPerCandidateUsd).toBe(0.5);
    expect(e.typicalSource).toBe('default');
    expect(estimateRun({ population: 3, generations: 5, runBudgetUsd: 10, candidateBudgetUsd: 2, price }).upperBoundUsd).toBe(10);
    expect(estimateRun({ population: 3, generations: 5, runBudgetUsd: Infinity, price }).upperBoundUsd).toBe(Infinity);
  });

  it('uses the typical candidate\'s tokens at the table price', () => {
    const e = estimateRun({ population: 2, generations: 2, runBudgetUsd: 100, price });
    expect(e.typicalPerCandidateUsd).toBeCloseTo(typicalCost, 12);
    expect(e.typicalTotalUsd).toBeCloseTo(4 * typicalCost, 12);
    expect(e.warning).toBeUndefined();
  });

  it('says which generation the typical spend runs out of budget in', () => {
    const perGeneration = 3 * typicalCost;
    const e = estimateRun({ population: 3, generations: 5, runBudgetUsd: perGeneration * 2.5, price });
    expect(e.exhaustedInGeneration).toBe(3);
    expect(e.warning).toContain('generation 3 of 5');
    const fits = estimateRun({ population: 3, generations: 5, runBudgetUsd: perGeneration * 5.01, price });
    expect(fits.warning).toBeUndefined();
  });

  it('formats the start-up lines, naming where the typical figure comes from', () => {
    const typical = { inputTokens: 1000, outputTokens: 1000, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const e = estimateRun({ population: 3, generations: 5, runBudgetUsd: 10, price, typical, typicalFrom: 12 });
    const lines = formatEstimate(e, { population: 3, generations: 5, typicalFrom: 12 });
    expect(lines).toEqual([
      '15 candidates (3 × 5 generations); cost at most $10.00, typically about $0.18 ($0.012 per candidate, from 12 earlier candidates in lineage.db)',
    ]);
    const warned = formatEstimate(estimateRun({ population: 3, generations: 5, runBudgetUsd: 1, price }), { population: 3, generations: 5 });
    expect(warned[1]).toMatch(/^warning: .*run budget runs out during generation 1 of 5/);
  });

  it('takes the median earlier candidate, ignoring ones that never called the model', () => {
    const rows = [
      { input_tokens: 10, output_tokens: 10 }, { input_tokens: 0, output_tokens: 0 },
      { input_tokens: 1000, output_tokens: 1000 }, { input_tokens: 100, output_tokens: 100, cache_read_tokens: 5 },
    ];
    expect(typicalCandidate(rows, price)).toEqual({ inputTokens: 100, outputTokens: 100, cacheReadTokens: 5, cacheWriteTokens: 0 });
    expect(typicalCandidate([], price)).toBeUndefined();
  });
});
