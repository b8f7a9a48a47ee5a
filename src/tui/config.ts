import { readRunConfig } from '../lineage/run-config.ts';

/** What the TUI shows of runs.config_json, read with its one schema (src/lineage/run-config.ts). */
export interface RunConfigView {
  population?: number;
  generations?: number;
  concurrency?: number;
  model?: string;
  /** What the stand-in model is, e.g. "scripted demo model" (set with standin by `evolve demo`). */
  standinLabel?: string;
  /** Absent when the run has no cap (or does not record one). */
  budgetUsd?: number;
  standin: boolean;
  /** The run's jail is off (`--unsafe-no-sandbox`: the runner froze `sandbox: "none"`). */
  unsafeNoSandbox: boolean;
  /** Set when the run has a user judge: the objective's metric (unknown until the seed is judged, when not configured). */
  objective?: { metric: string | null; goal: 'max' | 'min' };
}

export function parseRunConfig(json: string | null | undefined): RunConfigView {
  const c = readRunConfig(json);
  return {
    population: c.population, generations: c.generations, concurrency: c.concurrency, model: c.model, standinLabel: c.standinLabel,
    budgetUsd: c.budgetUsd !== undefined && Number.isFinite(c.budgetUsd) ? c.budgetUsd : undefined,
    standin: c.standin === true, unsafeNoSandbox: c.sandbox === 'none',
    ...(c.judge ? { objective: { metric: c.objective?.metric ?? null, goal: c.objective?.goal ?? 'max' } } : {}),
  };
}
