import { MIGRATION_6 } from './schema-v6.ts';

/**
 * The event kinds the live view prints as its log (a run's milestones and failures): few among the tool and model
 * calls, so a partial index (events_log) finds them. Readers must spell the IN list exactly like LOG_KIND_LIST (up to
 * schema version 5, on events.kind) or LOG_CODE_LIST (version 6, on event_rows.kind) for SQLite to use that index.
 */
export const LOG_KINDS = ['run_started', 'run_finished', 'selected', 'pushed', 'resumed', 'budget_exhausted', 'error'] as const;
export const LOG_KIND_LIST = LOG_KINDS.map((k) => `'${k}'`).join(', ');

/**
 * The lineage.db schema (contract 2 in DESIGN.md). Columns are only ever added, never renamed.
 * MIGRATIONS[i] upgrades a database from user_version i to i+1; SCHEMA_VERSION is the number of migrations.
 */
export const MIGRATIONS: readonly string[] = [
  // 0 -> 1: the contract's three tables, the indexes the readers need, and transcripts.
  `
  CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running','done','stopped','failed')),
    target TEXT NOT NULL,
    config_json TEXT NOT NULL DEFAULT '{}',
    stop_reason TEXT
  );
  CREATE TABLE IF NOT EXISTS candidates (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    generation INTEGER NOT NULL,
    parent_id TEXT REFERENCES candidates(id),
    branch TEXT,
    base_commit TEXT,
    commit_sha TEXT,
    goal TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending','running','evaluating','passed','failed','rejected','budget_exhausted','error')),
    build_ok INTEGER,
    tests_passed INTEGER,
    tests_failed INTEGER,
    diff_added INTEGER,
    diff_removed INTEGER,
    score REAL,
    survived INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    started_at TEXT,
    finished_at TEXT,
    error TEXT,
    -- beyond the contract: what the runner needs to resume and the TUI to draw
    step TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    phase TEXT,
    plan TEXT,
    agent_summary TEXT,
    agent_success INTEGER,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    model_calls INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS candidates_run ON candidates(run_id);
  CREATE INDEX IF NOT EXISTS candidates_parent ON candidates(parent_id);
  CREATE INDEX IF NOT EXISTS candidates_run_generation ON candidates(run_id, generation);
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    candidate_id TEXT REFERENCES candidates(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    data_json TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX IF NOT EXISTS events_run ON events(run_id, id);
  CREATE INDEX IF NOT EXISTS events_candidate ON events(candidate_id, id);
  CREATE TABLE IF NOT EXISTS transcripts (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    at TEXT NOT NULL,
    request_gz BLOB NOT NULL,
    response_gz BLOB
  );
  CREATE INDEX IF NOT EXISTS transcripts_candidate ON transcripts(candidate_id, id);
  `,
  // 1 -> 2: campaign scale (docs/lineage.md, Campaign scale). candidates.rev, a database-wide change counter kept by triggers
  // on every insert and update, lets a polling reader fetch only the rows changed since it last looked; a partial
  // index finds a run's log events (selections, errors) among a million tool and model calls; candidates_run went,
  // as candidates_run_generation (run_id, generation) already serves every lookup by run.
  `
  ALTER TABLE candidates ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
  UPDATE candidates SET rev = rowid;
  CREATE INDEX candidates_rev ON candidates(rev);
  DROP INDEX IF EXISTS candidates_run;
  CREATE TRIGGER candidates_rev_insert AFTER INSERT ON candidates BEGIN
    UPDATE candidates SET rev = (SELECT coalesce(max(rev), 0) + 1 FROM candidates) WHERE rowid = new.rowid;
  END;
  CREATE TRIGGER candidates_rev_update AFTER UPDATE ON candidates WHEN new.rev IS old.rev BEGIN
    UPDATE candidates SET rev = (SELECT coalesce(max(rev), 0) + 1 FROM candidates) WHERE rowid = new.rowid;
  END;
  CREATE INDEX events_log ON events(run_id, id) WHERE kind IN (${LOG_KIND_LIST});
  `,
  // 2 -> 3: an index of a rowid table keeps the rowid in every entry, and `id` is the rowid: (run_id, id) stored it
  // twice. The same indexes on (run_id) and (candidate_id) are ordered by id all the same and serve the same reads
  // (EXPLAIN: "run_id=? AND rowid>?"), ~9 MB smaller at a million events.
  `
  DROP INDEX events_run;
  CREATE INDEX events_run ON events(run_id);
  DROP INDEX events_candidate;
  CREATE INDEX events_candidate ON events(candidate_id);
  DROP INDEX events_log;
  CREATE INDEX events_log ON events(run_id) WHERE kind IN (${LOG_KIND_LIST});
  DROP INDEX transcripts_candidate;
  CREATE INDEX transcripts_candidate ON transcripts(candidate_id);
  `,
  // 3 -> 4: the worker machine that ran a candidate (`evolve run --queue`); NULL when the runner ran it itself.
  `ALTER TABLE candidates ADD COLUMN worker TEXT;`,
  // 4 -> 5: the honest judge and objectives (docs/judge.md): stub markers a diff adds, the candidate whose verdict a
  // duplicate tree reused, each candidate's value of the objective, and what the user judge measured.
  `
  ALTER TABLE candidates ADD COLUMN stubs_added INTEGER;
  ALTER TABLE candidates ADD COLUMN duplicate_of TEXT REFERENCES candidates(id);
  ALTER TABLE candidates ADD COLUMN objective REAL;
  CREATE TABLE IF NOT EXISTS metrics (
    run_id TEXT NOT NULL REFERENCES runs(id),
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    name TEXT NOT NULL,
    value REAL NOT NULL,
    spread REAL NOT NULL DEFAULT 0,
    runs INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (candidate_id, name)
  );
  CREATE INDEX IF NOT EXISTS metrics_run ON metrics(run_id, name);
  `,
  // 5 -> 6: compact events (schema-v6.ts, docs/lineage.md "How events are stored"): the rows move to event_rows,
  // `events` becomes a view of the same columns and values; ~2.5 times smaller at a million events.
  MIGRATION_6,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export const RUN_STATUSES = ['running', 'done', 'stopped', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const CANDIDATE_STATUSES = [
  'pending', 'running', 'evaluating', 'passed', 'failed', 'rejected', 'budget_exhausted', 'error',
] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];
export const FINISHED_STATUSES: readonly CandidateStatus[] = ['passed', 'failed', 'rejected', 'budget_exhausted', 'error'];

/** Crash-safe progress of one candidate; each step is written before the next begins. */
export const CANDIDATE_STEPS = [
  'pending', 'forked', 'agent_running', 'agent_done', 'committed', 'evaluated', 'selected', 'pushed',
] as const;
export type CandidateStep = (typeof CANDIDATE_STEPS)[number];

export interface RunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  target: string;
  config_json: string;
  stop_reason: string | null;
}

export interface CandidateRow {
  id: string;
  run_id: string;
  generation: number;
  parent_id: string | null;
  branch: string | null;
  base_commit: string | null;
  commit_sha: string | null;
  goal: string | null;
  status: CandidateStatus;
  build_ok: number | null;
  tests_passed: number | null;
  tests_failed: number | null;
  diff_added: number | null;
  diff_removed: number | null;
  score: number | null;
  survived: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  step: CandidateStep;
  attempts: number;
  phase: string | null;
  plan: string | null;
  agent_summary: string | null;
  agent_success: number | null;
  cache_read_tokens: number;
  cache_write_tokens: number;
  model_calls: number;
  stubs_added: number | null;
  duplicate_of: string | null;
  objective: number | null;
  /** A database-wide counter, moved by triggers on every insert and update of the row (schema version 2). */
  rev?: number;
  /** The `evolve worker` that ran the candidate's last attempt (`--queue` runs), else null (schema version 4). */
  worker?: string | null;
}

export interface MetricRow {
  run_id: string;
  candidate_id: string;
  name: string;
  value: number;
  spread: number;
  runs: number;
}

export interface EventRow {
  id: number;
  run_id: string;
  candidate_id: string | null;
  at: string;
  kind: string;
  data_json: string;
}

/** Event kinds (documented with their data_json fields in docs/lineage.md). */
export const EVENT_KINDS = [
  'run_started', 'run_finished', 'forked', 'agent_started', 'phase', 'model_call', 'model_retry', 'tool_call',
  'sandbox_denied', 'agent_finished', 'committed', 'deps_installed', 'checked', 'duplicate', 'built', 'tested', 'judged', 'scored', 'rejected',
  'selected', 'pushed', 'budget_exhausted', 'model_refused', 'resumed', 'error',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
