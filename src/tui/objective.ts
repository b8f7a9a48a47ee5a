/**
 * The objective as the header shows it: the best value a passing candidate reached so far and the seed's, kept as
 * rows arrive (values never change once judged, so a running best is exact).
 */
import type { CandidateOutline } from '../lineage/types.ts';

export class ObjectiveTally {
  best: number | null = null;
  seed: number | null = null;

  update(rows: readonly CandidateOutline[], goal: 'max' | 'min'): void {
    for (const c of rows) {
      if (c.objective == null || c.status !== 'passed') continue;
      if (c.generation === 0) this.seed = c.objective;
      if (this.best === null || (goal === 'max' ? c.objective > this.best : c.objective < this.best)) this.best = c.objective;
    }
  }
}
