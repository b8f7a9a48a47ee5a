/**
 * The score of a candidate: a pure function of what the runner measured, never of what the agent said. It means
 * progress along a lineage (docs/judge.md has a worked example):
 *
 *   score    = 0                                                    when the build failed
 *            = passRate·(passed / (passed + failed))                 the tests pass (0..100 by default)
 *            + progress                                             tested work the lineage added
 *            − min(diffCap, diffLog2·log2(1 + added + removed))      parsimony, against the parent only
 *            − stubPenalty·stubsAdded                               unfinished work the diff adds
 *   progress = parentProgress + newTest·min(newTestCap, max(0, passed − parentPassed))     (the seed's is 0)
 *
 * New passing tests are credited cumulatively down the lineage, capped per generation, while the diff term never
 * exceeds one new test's credit (diffCap < newTest): so a descendant that keeps every inherited test passing and
 * adds one passing test scores above all its ancestors, and the best of a run is never the seed when passing
 * descendants added tested work. With an objective (a user judge's metric) passing candidates rank by it instead.
 */
import { z } from 'zod';

export const ScoreWeights = z.object({
  passRate: z.number().nonnegative().default(100),
  newTest: z.number().nonnegative().default(2),
  newTestCap: z.number().int().nonnegative().default(10),
  diffLog2: z.number().nonnegative().default(0.25),
  /** The most the diff term can cost: below newTest, so one new passing test outweighs any diff. */
  diffCap: z.number().nonnegative().default(1.9),
  /** Points each stub marker the diff adds costs (comment tags, "not implemented": src/tools/stubs.ts). */
  stubPenalty: z.number().nonnegative().default(3),
});
export type ScoreWeights = z.infer<typeof ScoreWeights>;
export const DEFAULT_WEIGHTS: ScoreWeights = ScoreWeights.parse({});

export interface ScoreInputs {
  buildOk: boolean;
  testsPassed: number;
  testsFailed: number;
  /** The parent's passing tests (the seed: its own). */
  parentPassed: number;
  /** The parent's progress (the seed: 0). */
  parentProgress: number;
  diffAdded: number;
  diffRemoved: number;
  /** Stub markers the diff adds (0 when not measured). */
  stubsAdded?: number;
}

/** The tested work along the lineage down to this candidate (see the top of this file). */
export function progressOf(parentProgress: number, parentPassed: number, passed: number, w: ScoreWeights = DEFAULT_WEIGHTS): number {
  return round(parentProgress + w.newTest * Math.min(w.newTestCap, Math.max(0, passed - parentPassed)));
}

export function score(m: ScoreInputs, w: ScoreWeights = DEFAULT_WEIGHTS): number {
  if (!m.buildOk) return 0;
  const total = m.testsPassed + m.testsFailed;
  const passRate = total === 0 ? 0 : m.testsPassed / total;
  const parsimony = Math.min(w.diffCap, w.diffLog2 * Math.log2(1 + m.diffAdded + m.diffRemoved));
  const progress = progressOf(m.parentProgress, m.parentPassed, m.testsPassed, w);
  return round(w.passRate * passRate + progress - parsimony - w.stubPenalty * (m.stubsAdded ?? 0));
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
