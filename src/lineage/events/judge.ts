/** The judge's stages (contract 5 in DESIGN.md), cheapest first, and the verdict. */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();
const status = z.enum(['pending', 'running', 'evaluating', 'passed', 'failed', 'rejected', 'budget_exhausted', 'error']);
/** Which reader counted the tests (vitest, jest, node-test, …, exit-code). */
const countSource = z.string();
/** Where the counts came from: a report the runner asked for, or the standard output. */
const via = z.enum(['report', 'stdout', 'stderr']);

export const Checked = z.strictObject({
  ok: z.boolean(),
  files: count,
  diff_added: count,
  diff_removed: count,
  stubs_added: count,
  ms,
});

export const Duplicate = z.strictObject({
  duplicate_of: z.string(),
  status,
  passed: count.nullable(),
  failed: count.nullable(),
  source: countSource.nullable(),
  via: via.nullable(),
  ms,
});

export const Built = z.strictObject({
  ok: z.boolean(),
  exit_code: z.number().int().nullable(),
  timed_out: z.boolean(),
  ms,
  output_tail: z.string(),
});

export const Tested = z.strictObject({
  passed: count,
  failed: count,
  source: countSource,
  via,
  exit_code: z.number().int().nullable(),
  timed_out: z.boolean(),
  ms,
  /** How many test files were written back from the parent. */
  restored_files: count.optional(),
  /** Test runner configs the parent lacks, removed. */
  removed_configs: z.array(z.string()).optional(),
  output_tail: z.string(),
});

export const Judged = z.strictObject({
  ok: z.boolean(),
  runs: count,
  ms,
  objective: z.string().optional(),
  value: z.number().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  spread: z.record(z.string(), z.number()).optional(),
  reason: z.string().optional(),
  output_tail: z.string().optional(),
});

export const Scored = z.strictObject({
  status,
  score: z.number().nullable(),
  reason: z.string().nullable(),
  diff_added: count.optional(),
  diff_removed: count.optional(),
  stubs_added: count.optional(),
  /** The candidate whose verdict was reused. */
  duplicate_of: z.string().optional(),
  seed: z.literal(true).optional(),
});

export const Rejected = z.strictObject({
  reason: z.string(),
  /** The protected paths it touched. */
  paths: z.array(z.string()).optional(),
});
