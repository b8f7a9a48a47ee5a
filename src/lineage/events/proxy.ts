/** What the metering proxy records of a candidate's model traffic. */
import { z } from 'zod';

const tokens = z.number().int().nonnegative();
const usd = z.number().nonnegative();

export const ModelCall = z.strictObject({
  model: z.string(),
  input_tokens: tokens,
  output_tokens: tokens,
  cache_read_tokens: tokens,
  cache_write_tokens: tokens,
  cost_usd: usd,
  ms: z.number().nonnegative().optional(),
  /** The HTTP status the agent got (502 when the upstream never answered). */
  status: z.number().int().optional(),
  stream: z.boolean().optional(),
  /** Upstream attempts made. */
  attempts: z.number().int().positive().optional(),
  stop_reason: z.string().nullable().optional(),
  /** The agent hung up before the end. */
  client_closed: z.boolean().optional(),
  /** How long it waited for calls in flight to settle before it could reserve. */
  waited_ms: z.number().nonnegative().optional(),
  /** The usage never arrived: cost_usd is the reserved worst case. */
  usage_unknown: z.boolean().optional(),
  error: z.string().optional(),
});

export const ModelRetry = z.strictObject({
  model: z.string(),
  /** Null: no answer at all (a dropped connection). */
  status: z.number().int().nullable(),
  attempt: z.number().int().positive(),
  delay_ms: z.number().nonnegative(),
  error: z.string().optional(),
});

export const BudgetExhausted = z.strictObject({
  scope: z.enum(['run', 'candidate']),
  unit: z.enum(['usd', 'tokens']),
  needed: z.number(),
  /** Null: that unit has no cap in this scope (JSON has no Infinity). */
  remaining: z.number().nullable(),
  model: z.string(),
  /** How the prompt was sized: bytes, or count_tokens when the API counted it. */
  sized_by: z.enum(['bytes', 'count_tokens']),
});

export const ModelRefused = z.strictObject({
  path: z.string(),
  /** Null when the body named none. */
  model: z.string().nullable(),
  status: z.number().int(),
  reason: z.string(),
});
