import { z } from 'zod';

/**
 * What the TUI reads from runs.config_json. The runner owns that JSON and may add or drop fields, so every field
 * is optional and a wrong type reads as missing (shown as '?') instead of breaking the view.
 */
const positiveInt = z.number().int().positive().optional().catch(undefined);
const RunConfigSchema = z.object({
  population: positiveInt,
  generations: positiveInt,
  concurrency: positiveInt,
  model: z.string().min(1).optional().catch(undefined),
  budgetUsd: z.number().nonnegative().optional().catch(undefined),
  target: z.string().min(1).optional().catch(undefined),
  standin: z.boolean().optional().catch(undefined),
  standinLabel: z.string().min(1).optional().catch(undefined),
  unsafeNoSandbox: z.boolean().optional().catch(undefined),
  /** A user judge (its command) and the objective that ranks by its metric. */
  judge: z.object({ given: z.string() }).passthrough().nullable().optional().catch(undefined),
  objective: z.object({ metric: z.string(), goal: z.enum(['max', 'min']) }).nullable().optional().catch(undefined),
  /** The runner freezes `sandbox: 'bwrap' | 'none'`; 'none' is --unsafe-no-sandbox. */
  sandbox: z.string().optional().catch(undefined),
});

export interface RunConfigView {
  population?: number;
  generations?: number;
  concurrency?: number;
  model?: string;
  /** What the stand-in model is, e.g. "scripted demo model" (set with standin by `evolve demo`). */
  standinLabel?: string;
  budgetUsd?: number;
  target?: string;
  standin: boolean;
  unsafeNoSandbox: boolean;
  /** Set when the run has a user judge: the objective's metric (unknown until the seed is judged, when not configured). */
  objective?: { metric: string | null; goal: 'max' | 'min' };
}

export function parseRunConfig(json: string | null | undefined): RunConfigView {
  let raw: unknown = {};
  try {
    raw = JSON.parse(json ?? '{}');
  } catch {
    raw = {};
  }
  const parsed = RunConfigSchema.safeParse(raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {});
  const { sandbox, judge, objective, ...c } = parsed.success ? parsed.data : {};
  return {
    ...c, standin: c.standin === true, unsafeNoSandbox: c.unsafeNoSandbox === true || sandbox === 'none',
    ...(judge ? { objective: { metric: objective?.metric ?? null, goal: objective?.goal ?? 'max' } } : {}),
  };
}
