/**
 * The estimate printed before a run starts: how many candidates, the most it can cost, what it will typically cost,
 * and whether the typical spend would run out of budget before the last generation. Pure: the runner passes in the
 * price and a typical candidate's tokens (from earlier runs in lineage.db, else DEFAULT_TYPICAL_CANDIDATE).
 */
import { costOf, type Price, type Usage } from './proxy/prices.ts';
import { plural } from '../plural.ts';

/**
 * A typical candidate when lineage.db has no history: about 25 agent turns whose growing conversation is mostly
 * read from the prompt cache. A guess, labelled as such in the estimate; real runs replace it.
 */
export const DEFAULT_TYPICAL_CANDIDATE: Usage = Object.freeze({
  inputTokens: 60_000,
  cacheReadTokens: 600_000,
  cacheWriteTokens: 80_000,
  outputTokens: 25_000,
});

export interface EstimateInput {
  population: number;
  generations: number;
  runBudgetUsd: number;
  /** Per-candidate cap; undefined or Infinity when there is none. */
  candidateBudgetUsd?: number;
  price: Price;
  /** A typical candidate's tokens; omitted = the documented default. */
  typical?: Usage;
  /** How many earlier candidates `typical` was taken from (0 or absent = the default guess). */
  typicalFrom?: number;
}

export interface Estimate {
  candidates: number;
  /** min(run budget, candidates × candidate budget); Infinity when neither caps it. */
  upperBoundUsd: number;
  typicalPerCandidateUsd: number;
  typicalTotalUsd: number;
  typicalSource: 'history' | 'default';
  /** The generation during which the typical spend passes the run budget, when that is before the end. */
  exhaustedInGeneration?: number;
  warning?: string;
}

export function estimateRun(input: EstimateInput): Estimate {
  const { population, generations, runBudgetUsd } = input;
  const candidates = population * generations;
  const candidateCap = input.candidateBudgetUsd ?? Infinity;
  const upperBoundUsd = Math.min(runBudgetUsd, candidates * candidateCap);
  const typical = input.typical ?? DEFAULT_TYPICAL_CANDIDATE;
  const typicalSource = input.typical && (input.typicalFrom ?? 1) > 0 ? 'history' : 'default';
  const typicalPerCandidateUsd = Math.min(costOf(typical, input.price), candidateCap);
  const typicalTotalUsd = Math.min(candidates * typicalPerCandidateUsd, upperBoundUsd);

  const estimate: Estimate = { candidates, upperBoundUsd, typicalPerCandidateUsd, typicalTotalUsd, typicalSource };
  if (typicalPerCandidateUsd > 0 && Number.isFinite(runBudgetUsd)) {
    const perGeneration = population * typicalPerCandidateUsd;
    // The generation whose spend first takes the running total past the budget.
    const generation = Math.floor(runBudgetUsd / perGeneration) + 1;
    if (generation <= generations && generation * perGeneration > runBudgetUsd) {
      estimate.exhaustedInGeneration = generation;
      estimate.warning =
        `at the typical ${usd(typicalPerCandidateUsd)} per candidate the ${usd(runBudgetUsd)} run budget runs out ` +
        `during generation ${generation} of ${generations}; raise --budget-usd or run fewer candidates`;
    }
  }
  return estimate;
}

/** `15 candidates (3 × 5 generations)`: how the start-up lines count a run. */
export function candidateCount(population: number, generations: number): string {
  return `${plural(population * generations, 'candidate')} (${population} × ${plural(generations, 'generation')})`;
}

/** The lines the runner prints at start-up. */
export function formatEstimate(e: Estimate, input: Pick<EstimateInput, 'population' | 'generations' | 'typicalFrom'>): string[] {
  const bound = Number.isFinite(e.upperBoundUsd) ? `at most ${usd(e.upperBoundUsd)}` : 'no upper bound (no budget set)';
  const source = e.typicalSource === 'history'
    ? `from ${input.typicalFrom ? plural(input.typicalFrom, 'earlier candidate') : 'earlier candidates'} in lineage.db`
    : 'a default guess: no earlier runs in lineage.db';
  const lines = [
    `${candidateCount(input.population, input.generations)}; cost ${bound}, ` +
      `typically about ${usd(e.typicalTotalUsd)} (${usd(e.typicalPerCandidateUsd)} per candidate, ${source})`,
  ];
  if (e.warning) lines.push(`warning: ${e.warning}`);
  return lines;
}

/**
 * A typical candidate from earlier ones (rows of `candidates` with their token columns): the median by cost
 * estimate at one price, so one runaway or one crash does not set the figure. Undefined when there are none.
 */
export function typicalCandidate(
  rows: readonly { input_tokens: number; output_tokens: number; cache_read_tokens?: number; cache_write_tokens?: number }[],
  price: Price,
): Usage | undefined {
  const usages = rows
    .map((r) => ({
      inputTokens: r.input_tokens, outputTokens: r.output_tokens,
      cacheReadTokens: r.cache_read_tokens ?? 0, cacheWriteTokens: r.cache_write_tokens ?? 0,
    }))
    .filter((u) => u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens > 0)
    .sort((a, b) => costOf(a, price) - costOf(b, price));
  return usages.length > 0 ? usages[Math.floor((usages.length - 1) / 2)] : undefined;
}

function usd(value: number): string {
  if (!Number.isFinite(value)) return 'unlimited';
  return value < 0.1 && value > 0 ? `$${value.toFixed(3)}` : `$${value.toFixed(2)}`;
}
