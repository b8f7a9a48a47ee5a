import type { z } from 'zod';

/**
 * The fields of `raw` that `shape` declares, each parsed with its own schema: one that is missing or ill-typed is
 * left out. How every reader of lineage.db reads a row an older (or newer) evolve wrote: events' data_json
 * (events/index.ts) and runs.config_json (run-config.ts).
 */
export function parseFields(raw: Record<string, unknown>, shape: z.ZodRawShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    if (!(key in raw)) continue;
    const parsed = (field as z.ZodType).safeParse(raw[key]);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out;
}
