/**
 * Model prices and the cost of a call. USD per million tokens, as Anthropic publishes them.
 * The table is frozen into the run's config at start, so a run is billed by the prices it started with.
 */
import { z } from 'zod';
import { UsageError } from '../../errors.ts';

const rate = z.number().nonnegative().finite();

const Rates = z.object({
  input: rate,
  output: rate,
  /** 5-minute cache write. */
  cacheWrite: rate,
  cacheRead: rate,
  /** 1-hour cache write; when absent, 2 × input (Anthropic's published multiplier). */
  cacheWrite1h: rate.optional(),
});

export const Price = Rates.extend({
  /** Some models bill every token of a request at other rates once its prompt passes a threshold. */
  longPrompt: Rates.extend({ thresholdTokens: z.number().int().positive() }).optional(),
  /** The most output tokens the model writes in one call (its `max_tokens` ceiling); see maxOutputTokens. */
  maxOutput: z.number().int().positive().optional(),
}).strict();
export type Price = z.infer<typeof Price>;
type Rates = z.infer<typeof Rates>;

export const PriceTable = z.record(z.string().min(1), Price);
export type PriceTable = Readonly<Record<string, Price>>;

/** Token counts as the API reports them; `cacheWriteTokens` includes `cacheWrite1hTokens`. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens?: number;
}

/** Fable/Mythos 5.2 come from a reseller's copy of the list price; the rest from Anthropic's pricing and model pages. */
export const PRICES_CHECKED = '2026-11-25 (platform.claude.com/docs/en/about-claude/pricing)';

const p = (input: number, cacheWrite: number, cacheWrite1h: number, cacheRead: number, output: number): Price =>
  ({ input, output, cacheWrite, cacheRead, cacheWrite1h });

const FABLE_5_2 = p(8, 10, 16, 0.2, 40);
const FABLE_5_1 = p(10, 12.5, 20, 0.25, 50);
const FABLE_5 = p(10, 12.5, 20, 1, 50);
const OPUS_5_5 = p(4, 5, 8, 0.2, 20);
const OPUS_5 = p(5, 6.25, 10, 0.5, 25);
const SONNET_5_5 = p(2, 2.5, 4, 0.1, 10);
const SONNET_5 = p(2, 2.5, 4, 0.2, 10);
const SONNET_4_6 = p(3, 3.75, 6, 0.3, 15);
const HAIKU_5_5: Price = {
  ...p(0.1, 0.125, 0.2, 0.01, 0.5),
  longPrompt: { thresholdTokens: 100_000, input: 0.5, output: 2.5, cacheWrite: 0.625, cacheWrite1h: 1, cacheRead: 0.05 },
};
const HAIKU_4_5 = p(1, 1.25, 2, 0.1, 5);

/**
 * The models the API serves today (retired ones left out), by id; dated ids (`…-20251001`) fall back to these.
 * Sonnet 4.5 and earlier bill prompts over 200K tokens at other rates only under the 1M-context beta, which the
 * proxy does not forward.
 */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  'claude-fable-5-2': FABLE_5_2,
  'claude-mythos-5-2': FABLE_5_2,
  'claude-fable-5-1': FABLE_5_1,
  'claude-mythos-5-1': FABLE_5_1,
  'claude-fable-5': FABLE_5,
  'claude-mythos-5': FABLE_5,
  'claude-opus-5-5': OPUS_5_5,
  'claude-opus-5': OPUS_5,
  'claude-opus-4-8': OPUS_5,
  'claude-opus-4-7': OPUS_5,
  'claude-opus-4-6': OPUS_5,
  'claude-opus-4-5': OPUS_5,
  'claude-sonnet-5-5': SONNET_5_5,
  'claude-sonnet-5': SONNET_5,
  'claude-sonnet-4-6': SONNET_4_6,
  'claude-sonnet-4-5': SONNET_4_6,
  'claude-haiku-5-5': HAIKU_5_5,
  'claude-haiku-4-5': HAIKU_4_5,
});

/** The output ceiling of a model the table does not state: the largest any model the API serves allows. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 128_000;
/** Models whose ceiling is lower than the default, by undated id (Anthropic's models overview). */
const MAX_OUTPUT: Readonly<Record<string, number>> = Object.freeze({
  'claude-opus-4-5': 64_000, 'claude-sonnet-4-6': 64_000, 'claude-sonnet-4-5': 64_000, 'claude-haiku-4-5': 64_000,
});

/**
 * The most output tokens `model` writes in one call: the price entry's `maxOutput`, else the known ceiling, else
 * DEFAULT_MAX_OUTPUT_TOKENS. The API refuses a larger `max_tokens`; the proxy refuses it first, so a call's
 * reservation is never sized by a number no answer could reach.
 */
export function maxOutputTokens(price: Price, model: string): number {
  return price.maxOutput ?? MAX_OUTPUT[model.replace(/-\d{8}$/, '')] ?? DEFAULT_MAX_OUTPUT_TOKENS;
}

/**
 * The run's table: the defaults with the config's `prices` on top (a configured model replaces the default entry).
 * Throws a UsageError naming the bad entry; the result is frozen and plain JSON, ready for `runs.config_json`.
 */
export function resolvePrices(overrides?: unknown): PriceTable {
  const parsed = PriceTable.optional().safeParse(overrides);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`prices: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const table: Record<string, Price> = { ...DEFAULT_PRICES, ...(parsed.data ?? {}) };
  for (const price of Object.values(table)) Object.freeze(price);
  return Object.freeze(table);
}

/** The price of `model`, or undefined when neither the id nor its undated alias is in the table. */
export function priceFor(table: PriceTable, model: string): Price | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const alias = model.replace(/-\d{8}$/, '');
  return Object.hasOwn(table, alias) ? table[alias] : undefined;
}

/** Refuses up front (a UsageError) when a model the run may call has no price: nothing is spent unmetered. */
export function requirePrices(table: PriceTable, models: readonly string[]): void {
  const missing = models.filter((m) => !priceFor(table, m));
  if (missing.length > 0) {
    throw new UsageError(
      `no price for model ${missing.join(', ')}: add it to "prices" in evolve.config.json ` +
        '({"<model>": {"input": 3, "output": 15, "cacheWrite": 3.75, "cacheRead": 0.3}}, USD per million tokens)',
    );
  }
}

function ratesFor(price: Price, promptTokens: number): Rates {
  const long = price.longPrompt;
  return long && promptTokens > long.thresholdTokens ? long : price;
}

const write1h = (r: Rates) => r.cacheWrite1h ?? 2 * r.input;

/**
 * Cost in nano-dollars, rounded up: the budget ledger counts in integers so that no sum of floats can creep past a
 * cap. Rates are per million tokens, so tokens × rate × 1000 is nano-dollars.
 */
export function costNanos(usage: Usage, price: Price): number {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const r = ratesFor(price, prompt);
  const oneHour = Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens);
  const micro =
    usage.inputTokens * r.input +
    usage.outputTokens * r.output +
    usage.cacheReadTokens * r.cacheRead +
    (usage.cacheWriteTokens - oneHour) * r.cacheWrite +
    oneHour * write1h(r);
  return Math.max(0, Math.ceil(micro * 1000 - 1e-6));
}

/** Cost in USD of one call's usage. */
export function costOf(usage: Usage, price: Price): number {
  return costNanos(usage, price) / 1e9;
}

/**
 * The most a call can cost: every prompt token at the dearest input-side rate (plain, cache write, 1-hour write),
 * every allowed output token at the output rate, in the dearer tier when the model has one.
 */
export function worstCaseNanos(promptTokens: number, maxOutputTokens: number, price: Price, oneHourCache: boolean): number {
  const tiers: Rates[] = price.longPrompt ? [price, price.longPrompt] : [price];
  let worst = 0;
  for (const r of tiers) {
    const inputRate = Math.max(r.input, r.cacheWrite, r.cacheRead, oneHourCache ? write1h(r) : 0);
    worst = Math.max(worst, Math.ceil((promptTokens * inputRate + maxOutputTokens * r.output) * 1000));
  }
  return worst;
}

export const nanosToUsd = (nanos: number): number => nanos / 1e9;
export const usdToNanos = (usd: number): number => Math.floor(usd * 1e9 + 1e-6);
