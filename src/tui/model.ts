import type { CandidateRow, EventRow, RunRow } from '../lineage/schema.ts';
import { ObjectiveTally } from './objective.ts';
import type { ObjectiveCells } from './columns.ts';
import type { ObjectiveSummary } from './header.ts';
import type { CandidateOutline } from '../lineage/types.ts';
import { foldEvent, LOG_KINDS, logLineOf, type CandidateActivity, type LogLine } from './activity.ts';
import { parseRunConfig, type RunConfigView } from './config.ts';
import { TreeLayout } from './layout.ts';
import type { LineageSource } from './source.ts';
import { statsFrom, type RunStats } from './stats.ts';
import { RunTally } from './tally.ts';

/**
 * The run as the live view holds it between polls, patched from what each poll reads: the candidates whose rev
 * moved and the events after the last id (source.changes). Opening reads the candidates and the run's log events,
 * no other event: a candidate's tool calls, build and tests are read when its details are first shown, then kept up
 * to date from the polled events. Mutable on purpose (ten thousand rows are not copied per poll); `version` moves
 * whenever something a frame shows has changed.
 */
export class LineageModel {
  run: RunRow;
  config: RunConfigView;
  readonly layout: TreeLayout;
  readonly tally: RunTally;
  /** Best objective value so far and the seed's (runs with a user judge). */
  readonly objective = new ObjectiveTally();
  readonly log: LogLine[];
  lastEventId: number;
  /** The candidate of the newest event read (for `f`). */
  newestCandidateId: string | null;
  /** When the database was last read (wall clock, like the runner's log lines): the view's log waits for it. */
  readAt: number;
  error: string | null = null;
  version = 0;
  private rev: number;
  private readonly activity = new Map<string, CandidateActivity>();
  /** Candidates whose activity holds all their events (the others hold only what polls brought, if anything). */
  private readonly complete = new Set<string>();

  constructor(readonly source: LineageSource, readonly runId: string) {
    source.changed(); // note the version this first read starts from
    const opening = source.open(runId);
    this.run = opening.run;
    this.config = parseRunConfig(opening.run.config_json);
    this.layout = new TreeLayout(opening.candidates);
    this.tally = new RunTally(opening.candidates, this.config.objective?.goal ?? null);
    if (this.config.objective) this.objective.update(opening.candidates, this.config.objective.goal);
    this.log = opening.log.map(logLineOf);
    this.lastEventId = opening.lastEventId;
    this.newestCandidateId = opening.newestCandidateId;
    this.rev = opening.rev;
    this.readAt = Date.now();
  }

  /**
   * Reads what changed when data_version says another connection committed (or the last read failed, so that a
   * passing problem, e.g. a busy database, heals on the next poll). True when the model changed.
   */
  poll(): boolean {
    if (!this.error && !this.source.changed()) {
      this.readAt = Date.now(); // checked: nothing committed since, so every line said before now may show
      return false;
    }
    try {
      const changes = this.source.changes(this.runId, this.rev, this.lastEventId);
      this.error = null;
      this.apply(changes.run, changes.candidates, changes.events);
      this.rev = changes.rev;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
    this.readAt = Date.now();
    this.version++;
    return true;
  }

  private apply(run: RunRow, candidates: readonly CandidateOutline[], events: readonly EventRow[]): void {
    if (run.config_json !== this.run.config_json) this.config = parseRunConfig(run.config_json);
    this.run = run;
    if (candidates.length) {
      this.layout.upsert(candidates);
      this.tally.update(candidates);
      if (this.config.objective) this.objective.update(candidates, this.config.objective.goal);
    }
    for (const e of events) {
      if (e.id <= this.lastEventId) continue;
      this.lastEventId = e.id;
      if (e.candidate_id) {
        this.newestCandidateId = e.candidate_id;
        const held = this.activity.get(e.candidate_id);
        if (held || this.complete.has(e.candidate_id)) this.activity.set(e.candidate_id, foldEvent(held, e));
      }
      if (LOG_KINDS.includes(e.kind)) this.log.push(logLineOf(e));
    }
  }

  /** A candidate's tool calls, build and tests; its events are read the first time (one indexed read). */
  activityOf(id: string): CandidateActivity | undefined {
    if (!this.complete.has(id)) {
      this.complete.add(id);
      let a = this.activity.get(id);
      try {
        for (const e of this.source.candidateEvents(id)) a = foldEvent(a, e);
      } catch (err) {
        this.complete.delete(id);
        this.error = err instanceof Error ? err.message : String(err);
      }
      if (a) this.activity.set(id, a);
    }
    return this.activity.get(id);
  }

  stats(now: number): RunStats {
    return statsFrom(this.run, this.config, this.tally.totals(), now);
  }

  best(): CandidateOutline | null {
    return this.tally.best();
  }

  /** The objective column's cells (the parent's value for the change), or undefined without a user judge. */
  objectiveCells(): ObjectiveCells | undefined {
    if (!this.config.objective) return undefined;
    return { parentValue: (c) => this.layout.candidate(c.parent_id)?.objective ?? null };
  }

  /** The header's objective figures, or undefined without a user judge. */
  objectiveSummary(): ObjectiveSummary | undefined {
    const o = this.config.objective;
    return o ? { metric: o.metric, goal: o.goal, best: this.objective.best, seed: this.objective.seed } : undefined;
  }

  /** Every column of one candidate (the tree holds outlines), for its details: one read by primary key. */
  candidateDetail(id: string | null): CandidateRow | undefined {
    if (id == null || !this.layout.candidate(id)) return undefined;
    try {
      return this.source.candidate(id);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return undefined;
    }
  }
}
