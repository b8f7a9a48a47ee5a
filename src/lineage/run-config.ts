/**
 * runs.config_json: the configuration a run froze when it started (contract 2; the runner writes it once, from
 * src/evolve/config.ts). Its fields that any reader of a lineage.db may rely on are declared here, once; the runner's
 * own schema of the whole config builds on these. Every reader goes through `readRunConfig` (or `runConfigObject`
 * for a dump): it reads a file written by any version of evolve, field by field, so a field a run does not record,
 * or records with another type, is absent rather than a broken view.
 */
import { z } from 'zod';

// JSON has no Infinity: an unlimited budget is stored as null.
const Budget = z.number().nullable().transform((v) => v ?? Infinity);

export const StoredRunConfigFields = {
  population: z.number().int().positive(),
  generations: z.number().int().nonnegative(),
  survivors: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  judgeConcurrency: z.number().int().positive(),
  allowFailingSeed: z.boolean(),
  strategy: z.enum(['top-k', 'dgm']),
  model: z.string().min(1),
  budgetUsd: Budget,
  candidateBudgetUsd: Budget,
  push: z.string().nullable(),
  seedGoal: z.string(),
  sandbox: z.enum(['bwrap', 'none']),
  /** --agent as given (null: the workspace's package.json, else the built-in agent). Absent in older runs. */
  agent: z.string().nullable(),
  /** The user judge, frozen at run start (its command as given, `given`); null without --judge. */
  judge: z.looseObject({ given: z.string() }).nullable(),
  /** The metric that ranks passing candidates; null: the judge's first field, max (or the score, without a judge). */
  objective: z.strictObject({ metric: z.string().min(1), goal: z.enum(['max', 'min']) }).nullable(),
  /** The seed commit (the target's HEAD when the run started). */
  head: z.string(),
  workdir: z.string(),
  /** The work directory is evolve's to remove (absent in older runs: it is not). */
  ownsWorkdir: z.boolean(),
  /** `evolve demo`: the model is the bundled stand-in, so labelled. */
  standin: z.literal(true),
  standinLabel: z.string().min(1),
  queue: z.string(),
  remote: z.string(),
};
const StoredRunConfig = z.object(StoredRunConfigFields);
export type StoredRunConfig = z.output<typeof StoredRunConfig>;

/** config_json as a plain object (`{}` when it is not one): for a dump of everything the run recorded. */
export function runConfigObject(json: string | null | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json ?? '{}');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The fields of a run's stored config that `shape` declares (by default those above), each parsed with its schema:
 * one that is missing or ill-typed is absent. The runner reads its whole config with its own shape, which extends this.
 */
export function readRunConfig<S extends z.ZodRawShape = typeof StoredRunConfigFields>(
  json: string | null | undefined, shape: S = StoredRunConfigFields as unknown as S,
): Partial<z.output<z.ZodObject<S>>> {
  const raw = runConfigObject(json);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    if (!(key in raw)) continue;
    const parsed = (field as z.ZodType).safeParse(raw[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as Partial<z.output<z.ZodObject<S>>>;
}

/** The objective's goal of a run with a user judge (max unless its config says min), or null without a judge. */
export function objectiveGoalOf(config: Pick<Partial<StoredRunConfig>, 'judge' | 'objective'>): 'max' | 'min' | null {
  if (!config.judge) return null;
  return config.objective?.goal ?? 'max';
}
