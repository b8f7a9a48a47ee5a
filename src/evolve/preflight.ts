/**
 * The estimate printed before a run creates anything: how many candidates and what they can cost, with the typical
 * candidate taken from earlier runs in the same lineage.db when there are any (src/evolve/estimate.ts does the sums).
 */
import { existsSync, statSync } from 'node:fs';
import { openStore } from '../lineage/store.ts';
import { storedConfigView, type RunConfig } from './config.ts';
import { candidateCount, estimateRun, formatEstimate, typicalCandidate } from './estimate.ts';
import { priceFor, type PriceTable } from './proxy/prices.ts';

/**
 * What the run will cost, printed before it starts. A stand-in run (the demo) costs nothing: a guess at a real
 * model's spend, and advice to raise a budget the demo does not take, would only mislead.
 */
export function estimateLines(db: string, config: RunConfig, prices: PriceTable, standin = false): string[] {
  if (standin) {
    return [`${candidateCount(config.population, config.generations)}; the stand-in model costs nothing: ` +
      `its calls are priced as if it were ${config.model}, under a $${config.budgetUsd} cap`];
  }
  const price = priceFor(prices, config.model);
  if (!price) return [];
  const agent = config.agent ?? null;
  const history = earlierCandidates(db, config.model, agent);
  const typical = typicalCandidate(history, price);
  const input = {
    population: config.population, generations: config.generations, runBudgetUsd: config.budgetUsd,
    candidateBudgetUsd: config.candidateBudgetUsd, price, typical, typicalFrom: typical ? history.length : 0,
  };
  const lines = formatEstimate(estimateRun(input), input);
  if (agent === 'claude-code' && !typical) {
    lines.push('the default guess is the built-in agent\'s: Claude Code sends about 29K tokens of (cached) system prompt ' +
      'and tools with every call, so expect more per candidate (docs/claude-code.md)');
  }
  return lines;
}

/** Finished children of earlier runs with the same model and agent (--agent) that called the model at least once. */
function earlierCandidates(db: string, model: string, agent: string | null) {
  if (!existsSync(db) || statSync(db).size === 0) return [];
  const store = openStore(db, { readonly: true });
  try {
    return store.listRuns()
      .filter((run) => {
        const c = storedConfigView(run.config_json);
        return c.model === model && (c.agent ?? null) === agent;
      })
      .flatMap((run) => store.candidates(run.id))
      .filter((c) => c.generation > 0 && c.model_calls > 0 && c.finished_at !== null);
  } finally {
    store.close();
  }
}
