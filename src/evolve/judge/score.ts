/**
 * The score of a candidate: a pure function of what the runner measured, never of what the agent said.
 *
 *   score = 0                                            when the build failed
 *         = passRate·(passed / (passed + failed))         tests are the main term (0..100 by default)
 *         + newTest·min(newTestCap, max(0, tests − parentTests))   a small reward for adding tests
 *         − diffLog2·log2(1 + added + removed)            parsimony: 100 changed lines cost ~6.7 points
 *         − stubPenalty·stubsAdded                        unfinished work the diff adds (3 points a marker)
 *
 * Diff size is a tie-breaker among equally passing candidates, never a reason to prefer a failing one.
 */
import { z } from 'zod';

export const ScoreWeights = z.object({
  passRate: z.number().nonnegative().default(100),
  newTest: z.number().nonnegative().default(2),
  newTestCap: z.number().int().nonnegative().default(10),
  diffLog2: z.number().nonnegative().default(1),
  /** Points each stub marker the diff adds costs (TODO-style tags, "not implemented": src/tools/stubs.ts). */
  stubPenalty: z.number().nonnegative().default(3),
});
export type ScoreWeights = z.infer<typeof ScoreWeights>;
export const DEFAULT_WEIGHTS: ScoreWeights = ScoreWeights.parse({});

export interface ScoreInputs {
  buildOk: boolean;
  testsPassed: number;
  testsFailed: number;
  parentTests: number;
  diffAdded: number;
  diffRemoved: number;
  /** Stub markers the diff adds (0 when not measured). */
  stubsAdded?: number;
}

export function score(m: ScoreInputs, w: ScoreWeights = DEFAULT_WEIGHTS): number {
  if (!m.buildOk) return 0;
  const total = m.testsPassed + m.testsFailed;
  const passRate = total === 0 ? 0 : m.testsPassed / total;
  const newTests = Math.min(w.newTestCap, Math.max(0, total - m.parentTests));
  const parsimony = Math.log2(1 + m.diffAdded + m.diffRemoved);
  return round(w.passRate * passRate + w.newTest * newTests - w.diffLog2 * parsimony - w.stubPenalty * (m.stubsAdded ?? 0));
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
