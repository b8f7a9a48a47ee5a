import { gunzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { CandidateRow, EventRow, MetricRow, RunRow } from './schema.ts';
import { OUTLINE_COLUMNS, type CandidateOutline, type EventQuery, type GenerationStats, type Transcript, type TreeNode } from './types.ts';
import { bestCandidate } from './best.ts';
import { rowReader, type RowReader } from './rows.ts';
import { objectiveGoalOf, readRunConfig } from './run-config.ts';
import { EventReader } from './event-rows.ts';

/** The chain from a candidate up to its root, by parent_id. */
const ANCESTRY_CTE = `
  WITH RECURSIVE chain(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM candidates WHERE id = ?
    UNION ALL
    SELECT c.id, c.parent_id, chain.depth + 1 FROM candidates c JOIN chain ON c.id = chain.parent_id
    WHERE chain.depth < 1000000 -- a hand-edited cycle must not hang the reader
  )`;

/**
 * The reader side of the store: plain SQL over one connection, statements prepared once.
 * Ordering is deterministic everywhere: candidates by generation then insertion order, events by id.
 */
export class LineageQueries {
  private readonly stmts;
  /** The reads of events (event-rows.ts): one statement per read, on the compact rows. */
  protected readonly eventReader: EventReader;

  constructor(protected readonly db: Database.Database) {
    this.eventReader = new EventReader(db);
    const p = (sql: string) => db.prepare(sql);
    const candidateRows = (sql: string): RowReader<CandidateRow> => rowReader(db.prepare(sql));
    this.stmts = {
      getRun: p(`SELECT * FROM runs WHERE id = ?`),
      latestRun: p(`SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1`),
      listRuns: p(`SELECT * FROM runs ORDER BY started_at, rowid`),
      getCandidate: p(`SELECT * FROM candidates WHERE id = ?`),
      candidatesByPrefix: p(`SELECT * FROM candidates WHERE id >= ? AND id < ? ORDER BY id LIMIT 2`),
      candidates: candidateRows(`SELECT * FROM candidates WHERE run_id = ? ORDER BY generation, rowid`),
      outlines: rowReader<CandidateOutline>(db.prepare(
        `SELECT ${outlineColumns(db).join(', ')} FROM candidates WHERE run_id = ? ORDER BY generation, rowid`)),
      ancestry: candidateRows(`${ANCESTRY_CTE}
        SELECT c.* FROM chain JOIN candidates c ON c.id = chain.id ORDER BY chain.depth DESC`),
      ancestryIds: p(`${ANCESTRY_CTE} SELECT id FROM chain ORDER BY depth DESC`).pluck(),
      children: candidateRows(`SELECT * FROM candidates WHERE parent_id = ? ORDER BY generation, rowid`),
      descendants: candidateRows(`
        WITH RECURSIVE below(id) AS (
          SELECT id FROM candidates WHERE parent_id = ?
          UNION -- not ALL: a hand-edited cycle ends instead of looping
          SELECT c.id FROM candidates c JOIN below ON c.parent_id = below.id
        )
        SELECT c.* FROM below JOIN candidates c ON c.id = below.id ORDER BY c.generation, c.rowid`),
      generationStats: p(`
        SELECT generation,
               count(*) AS count,
               sum(survived != 0) AS survivors,
               sum(status = 'passed') AS passed,
               sum(status IN ('failed','rejected','budget_exhausted','error')) AS failed,
               max(score) AS bestScore,
               avg(score) AS meanScore,
               sum(input_tokens) AS inputTokens,
               sum(output_tokens) AS outputTokens,
               sum(cache_read_tokens) AS cacheReadTokens,
               sum(cache_write_tokens) AS cacheWriteTokens,
               sum(cost_usd) AS costUsd
        FROM candidates WHERE run_id = ? GROUP BY generation ORDER BY generation`),
      transcripts: p(`SELECT * FROM transcripts WHERE candidate_id = ? ORDER BY id`),
    };
  }

  /**
   * Runs `fn` against one consistent snapshot: a read transaction, so a writer committing in between cannot make
   * two queries disagree (say a tree and its per-generation counts). Readers combining several queries use it.
   */
  snapshot<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).deferred();
  }

  /**
   * SQLite's data_version: it moves only when another connection commits, so a polling reader (the TUI) can skip
   * re-reading an idle database for the price of one pragma.
   */
  dataVersion(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  getRun(id: string): RunRow | undefined {
    return this.stmts.getRun.get(id) as RunRow | undefined;
  }

  /** The run started last (ties: the one inserted last). */
  latestRun(): RunRow | undefined {
    return this.stmts.latestRun.get() as RunRow | undefined;
  }

  /** Every run, oldest first. */
  listRuns(): RunRow[] {
    return this.stmts.listRuns.all() as RunRow[];
  }

  /** The latest run ids, for an error that names a run that is not there: `…, a, b, c` (or `none`). */
  recentRunIds(max = 5): string {
    const runs = this.listRuns();
    if (runs.length === 0) return 'none';
    return (runs.length > max ? '…, ' : '') + runs.slice(-max).map((r) => r.id).join(', ');
  }

  /**
   * What the user judge measured (docs/judge.md), per candidate of a run or of one candidate; none in a database
   * written before the metrics table existed (a reader does not migrate).
   */
  metrics(runId: string): MetricRow[] {
    return this.metricsStatement('run_id')?.all(runId) as MetricRow[] | undefined ?? [];
  }

  metricsOf(candidateId: string): MetricRow[] {
    return this.metricsStatement('candidate_id')?.all(candidateId) as MetricRow[] | undefined ?? [];
  }

  private readonly metricStatements = new Map<string, Database.Statement>();

  private metricsStatement(by: 'run_id' | 'candidate_id'): Database.Statement | null {
    const known = this.metricStatements.get(by);
    if (known) return known;
    // Asked each time until it exists: a runner may migrate the file while this reader has it open.
    if (!this.db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'metrics'`).get()) return null;
    const stmt = this.db.prepare(`SELECT * FROM metrics WHERE ${by} = ? ORDER BY candidate_id, rowid`);
    this.metricStatements.set(by, stmt);
    return stmt;
  }

  getCandidate(id: string): CandidateRow | undefined {
    return this.stmts.getCandidate.get(id) as CandidateRow | undefined;
  }

  /** Candidates whose id starts with `prefix` (at most 2: enough to tell unique from ambiguous). */
  candidatesByPrefix(prefix: string): CandidateRow[] {
    if (prefix === '') return [];
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    return this.stmts.candidatesByPrefix.all(prefix, upper) as CandidateRow[];
  }

  /** All candidates of a run, by generation then insertion order. */
  candidates(runId: string): CandidateRow[] {
    return this.stmts.candidates.all(runId);
  }

  /** `candidates(runId)` with only the columns a tree view draws (OUTLINE_COLUMNS), in the same order. */
  outlines(runId: string): CandidateOutline[] {
    return this.stmts.outlines.all(runId);
  }

  /** The candidate and its ancestors, root (the seed) first; empty for an unknown id. */
  ancestry(id: string): CandidateRow[] {
    return this.stmts.ancestry.all(id);
  }

  /** The direct children of a candidate, in insertion order. */
  children(id: string): CandidateRow[] {
    return this.stmts.children.all(id);
  }

  /**
   * Only the ids of `ancestry(id)`, root first: about a fifth of the cost at depth 1,000, since turning 31 columns
   * per row into JavaScript values is most of what a full ancestry costs. For paths, highlights and counts.
   */
  ancestryIds(id: string): string[] {
    return this.stmts.ancestryIds.all(id) as string[];
  }

  /** Every candidate below `id` (not itself), by generation. */
  descendants(id: string): CandidateRow[] {
    return this.stmts.descendants.all(id);
  }

  /** The run's genealogy: its roots (normally the one seed), each with its children in insertion order. */
  tree(runId: string): TreeNode[] {
    return buildTree(this.candidates(runId));
  }

  /** `tree(runId)` of outlines: what `evolve lineage` draws. */
  outlineTree(runId: string): TreeNode<CandidateOutline>[] {
    return buildTree(this.outlines(runId));
  }

  generationStats(runId: string): GenerationStats[] {
    return this.stmts.generationStats.all(runId) as GenerationStats[];
  }

  /**
   * The run's result: the highest-scoring passed child (ties: the later generation, then the smaller id), as the
   * runner's summary and the TUI name it; the seed only when no child passed.
   */
  /** The run's best candidate by the one rule (best.ts): by its objective when the run has a user judge. */
  bestCandidate(runId: string): CandidateRow | undefined {
    return bestCandidate(this.candidates(runId), objectiveGoal(this.getRun(runId)?.config_json)) ?? undefined;
  }

  /** Seed → best candidate; empty when no candidate has passed. */
  bestLineage(runId: string): CandidateRow[] {
    const best = this.bestCandidate(runId);
    return best ? this.ancestry(best.id) : [];
  }

  events(candidateId: string, query: EventQuery = {}): EventRow[] {
    return this.eventReader.byCandidate(candidateId, query.afterId ?? 0, query.limit);
  }

  /** A run's events in order; with `afterId`, only the newer ones (a tailing reader passes the last id it saw). */
  runEvents(runId: string, query: EventQuery = {}): EventRow[] {
    return this.eventReader.byRun(runId, query.afterId ?? 0, query.limit);
  }

  /** The run's log events (LOG_KINDS: milestones and failures), oldest first, through the partial index events_log. */
  runLog(runId: string): EventRow[] {
    return this.eventReader.log(runId);
  }

  /** The id of the run's newest event (0 when it has none): where a tailing reader starts. */
  lastEventId(runId: string): number {
    return this.eventReader.lastId(runId);
  }

  /** The candidate of the run's newest candidate event (the one most recently active), or null. */
  newestEventCandidate(runId: string): string | null {
    return this.eventReader.newestCandidate(runId);
  }

  transcripts(candidateId: string): Transcript[] {
    const rows = this.stmts.transcripts.all(candidateId) as {
      id: number; run_id: string; candidate_id: string; at: string; request_gz: Buffer; response_gz: Buffer | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      candidateId: r.candidate_id,
      at: r.at,
      request: JSON.parse(gunzipSync(r.request_gz).toString('utf8')) as unknown,
      response: r.response_gz ? (JSON.parse(gunzipSync(r.response_gz).toString('utf8')) as unknown) : null,
    }));
  }
}

/** Nests rows by parent_id. A row whose parent is not among them is a root. Iterative: chains may be very deep. */
export function buildTree<T extends CandidateOutline>(rows: readonly T[]): TreeNode<T>[] {
  const nodes = new Map<string, TreeNode<T>>();
  for (const candidate of rows) nodes.set(candidate.id, { candidate, children: [] });
  const roots: TreeNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.candidate.parent_id === null ? undefined : nodes.get(node.candidate.parent_id);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The objective's goal of a run with a user judge (from its frozen config), or null. */
export function objectiveGoal(configJson: string | undefined): 'max' | 'min' | null {
  return objectiveGoalOf(readRunConfig(configJson));
}

/** The outline's columns as this file has them: a reader of a file from before a column existed reads it as NULL. */
export function outlineColumns(db: Database.Database): string[] {
  const have = new Set(db.prepare(`SELECT name FROM pragma_table_info('candidates')`).pluck().all() as string[]);
  return OUTLINE_COLUMNS.map((c) => (have.has(c) ? c : `NULL AS ${c}`));
}
