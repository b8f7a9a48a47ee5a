import type { CandidateRow } from '../lineage/schema.ts';
import { msBetween } from './format.ts';
import { ranksAbove, seedStandIn } from '../lineage/best.ts';
import { isActive, isChild, isFinished, type RunTotals } from './stats.ts';

/**
 * The header's numbers and the best candidate, kept up to date one changed row at a time: each row's share is
 * taken out and put back when it changes, so a poll that brings three changed candidates costs three updates, not
 * a recount of ten thousand. `totals()` equals what `summarize` counts over the same rows (tested).
 */
interface Share {
  child: boolean;
  tokens: number;
  cost: number;
  /** The generation when it counts for "gen n/N" (a child past pending), else null. */
  started: number | null;
  state: 'running' | 'pending' | 'done' | 'other';
  passed: boolean;
  ms: number | null;
  survivedIn: number | null;
}

export class RunTally {
  private readonly rows = new Map<string, CandidateRow>();
  private readonly shares = new Map<string, Share>();
  private children = 0;
  private running = 0;
  private pending = 0;
  private done = 0;
  private passed = 0;
  private tokens = 0;
  private costUsd = 0;
  private durations = 0;
  private durationSum = 0;
  private readonly startedByGeneration = new Map<number, number>();
  private readonly survivorsByGeneration = new Map<number, number>();
  private bestRow: CandidateRow | null = null;
  private firstSeed: CandidateRow | null = null;

  constructor(rows: readonly CandidateRow[] = []) {
    this.update(rows);
  }

  update(rows: readonly CandidateRow[]): void {
    let recheckBest = false;
    for (const c of rows) {
      const old = this.shares.get(c.id);
      if (old) this.apply(old, -1);
      const share = shareOf(c);
      this.apply(share, 1);
      this.shares.set(c.id, share);
      this.rows.set(c.id, c);
      if (this.firstSeed === null ? c.generation === 0 : this.firstSeed.id === c.id) this.firstSeed = c.generation === 0 ? c : null;
      if (this.bestRow?.id === c.id) {
        if (ranksAbove(c, null) && !this.outranked(c)) this.bestRow = c;
        else recheckBest = true;
      } else if (ranksAbove(c, this.bestRow)) this.bestRow = c;
    }
    if (recheckBest) {
      this.bestRow = null;
      for (const c of this.rows.values()) if (ranksAbove(c, this.bestRow)) this.bestRow = c;
    }
    if (this.firstSeed === null) for (const c of this.rows.values()) if (c.generation === 0) { this.firstSeed = c; break; }
  }

  /** The best candidate as `bestCandidate` (src/lineage/best.ts) names it. */
  best(): CandidateRow | null {
    return this.bestRow ?? seedStandIn(this.firstSeed);
  }

  totals(): RunTotals {
    return {
      children: this.children, generation: maxKey(this.startedByGeneration, 0), running: this.running, pending: this.pending,
      done: this.done, passed: this.passed, tokens: this.tokens, costUsd: this.costUsd,
      survivors: this.survivorsByGeneration.get(maxKey(this.survivorsByGeneration, -1)) ?? 0,
      meanMs: this.durations ? this.durationSum / this.durations : null,
    };
  }

  /** Whether the best, having changed, may have lost its place to another row (then all rows are looked at). */
  private outranked(c: CandidateRow): boolean {
    const before = this.bestRow!;
    return (c.score ?? 0) < (before.score ?? 0);
  }

  private apply(s: Share, sign: 1 | -1): void {
    this.tokens += sign * s.tokens;
    this.costUsd += sign * s.cost;
    if (s.survivedIn !== null) bump(this.survivorsByGeneration, s.survivedIn, sign);
    if (!s.child) return;
    this.children += sign;
    if (s.started !== null) bump(this.startedByGeneration, s.started, sign);
    if (s.state === 'running') this.running += sign;
    else if (s.state === 'pending') this.pending += sign;
    else if (s.state === 'done') {
      this.done += sign;
      if (s.passed) this.passed += sign;
      if (s.ms !== null) {
        this.durations += sign;
        this.durationSum += sign * s.ms;
      }
    }
  }
}

function shareOf(c: CandidateRow): Share {
  const child = isChild(c);
  const state = isActive(c) ? 'running' : c.status === 'pending' ? 'pending' : isFinished(c) ? 'done' : 'other';
  const ms = state === 'done' ? msBetween(c.started_at, c.finished_at) : null;
  return {
    child,
    tokens: (c.input_tokens ?? 0) + (c.cache_read_tokens ?? 0) + (c.cache_write_tokens ?? 0) + (c.output_tokens ?? 0),
    cost: c.cost_usd ?? 0,
    started: child && c.status !== 'pending' ? c.generation : null,
    state, passed: c.status === 'passed', ms: ms != null && ms >= 0 ? ms : null,
    survivedIn: c.survived ? c.generation : null,
  };
}

function bump(counts: Map<number, number>, key: number, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

/** The largest key (a count map holds one per generation that has any), or `none`. */
function maxKey(counts: Map<number, number>, none: number): number {
  let max = none;
  for (const k of counts.keys()) if (k > max) max = k;
  return max;
}
