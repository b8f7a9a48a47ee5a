/**
 * Schema version 6: compact events (docs/lineage.md, "How events are stored"). The rows live in `event_rows` with
 * integer references and timestamps and their data split into a shape and values (event-codec.ts); `events` is a
 * view over them with the contract's columns and values, so users' `sqlite3` queries read what they always read.
 * Everything here runs in SQLite 3.38 and later (the `->` operators), no function of evolve's own.
 */

/** The kinds as of version 6, in the order that numbers them (event_kinds.id = position + 1; never renumbered). */
export const KINDS_V6 = [
  'run_started', 'run_finished', 'forked', 'agent_started', 'phase', 'model_call', 'model_retry', 'tool_call',
  'sandbox_denied', 'agent_finished', 'committed', 'deps_installed', 'checked', 'duplicate', 'built', 'tested',
  'judged', 'scored', 'rejected', 'selected', 'pushed', 'budget_exhausted', 'model_refused', 'resumed', 'error',
] as const;

export const kindCode = (kind: string): number => KINDS_V6.indexOf(kind as (typeof KINDS_V6)[number]) + 1;

/** The contract's ISO-8601 text of a stored `at` (integer ms, else text kept as it was). */
export const atSql = (x: string): string =>
  `CASE WHEN typeof(${x}) = 'integer' THEN strftime('%Y-%m-%dT%H:%M:%S', ${x} / 1000, 'unixepoch') || printf('.%03dZ', ${x} % 1000) ELSE ${x} END`;

/** A text `at` as stored: integer ms when the view gives the same text back, else the value unchanged. */
export const storedAtSql = (x: string): string => {
  const ms = `CAST(round((julianday(${x}) - 2440587.5) * 86400000.0) AS INTEGER)`;
  return `CASE WHEN typeof(${x}) = 'text' AND ${atSql(ms)} = ${x} THEN ${ms} ELSE ${x} END`;
};

/** The data_json text of a row `e`: its text when it has no shape, else the object rebuilt from shape and values. */
const DATA_SQL = `CASE WHEN e.shape IS NULL THEN e.data ELSE (
      SELECT json_group_object(f.value, coalesce(s.fixed -> f.key -> 0, e.data -> (s.slots ->> f.key)))
      FROM event_shapes s, json_each(s.keys) f WHERE s.id = e.shape) END`;

export const EVENTS_VIEW = `
  CREATE VIEW events (id, run_id, candidate_id, at, kind, data_json) AS
  SELECT e.id, r.id, c.id, ${atSql('e.at')}, k.name, ${DATA_SQL}
  FROM event_rows e
  JOIN runs r ON r.n = e.run
  LEFT JOIN candidates c ON c.n = e.candidate
  JOIN event_kinds k ON k.id = e.kind;`;

/** Writes through the view (a user's or a test's INSERT, UPDATE and DELETE) land in event_rows; new data kept as text. */
const VIEW_TRIGGERS = `
  CREATE TRIGGER events_insert INSTEAD OF INSERT ON events BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed')
    WHERE NOT EXISTS (SELECT 1 FROM runs WHERE id = new.run_id)
       OR (new.candidate_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM candidates WHERE id = new.candidate_id));
    INSERT OR IGNORE INTO event_kinds (name) VALUES (new.kind);
    INSERT INTO event_rows (id, run, candidate, at, kind, data) VALUES (
      new.id, (SELECT n FROM runs WHERE id = new.run_id), (SELECT n FROM candidates WHERE id = new.candidate_id),
      ${storedAtSql('new.at')}, (SELECT id FROM event_kinds WHERE name = new.kind), coalesce(new.data_json, '{}'));
  END;
  CREATE TRIGGER events_update INSTEAD OF UPDATE ON events BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed')
    WHERE NOT EXISTS (SELECT 1 FROM runs WHERE id = new.run_id)
       OR (new.candidate_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM candidates WHERE id = new.candidate_id));
    INSERT OR IGNORE INTO event_kinds (name) VALUES (new.kind);
    UPDATE event_rows SET
      id = new.id, run = (SELECT n FROM runs WHERE id = new.run_id),
      candidate = (SELECT n FROM candidates WHERE id = new.candidate_id),
      at = CASE WHEN new.at IS old.at THEN at ELSE ${storedAtSql('new.at')} END,
      kind = (SELECT id FROM event_kinds WHERE name = new.kind),
      shape = CASE WHEN new.data_json IS old.data_json THEN shape ELSE NULL END,
      data = CASE WHEN new.data_json IS old.data_json THEN data ELSE coalesce(new.data_json, '{}') END
    WHERE id = old.id;
  END;
  CREATE TRIGGER events_delete INSTEAD OF DELETE ON events BEGIN
    DELETE FROM event_rows WHERE id = old.id;
  END;`;

const LOG_CODES = ['run_started', 'run_finished', 'selected', 'pushed', 'resumed', 'budget_exhausted', 'error'].map(kindCode);
/** The IN list of the log kinds' codes, spelled as events_log's WHERE spells it (readers must use it verbatim). */
export const LOG_CODE_LIST = LOG_CODES.join(', ');

export const MIGRATION_6 = `
  -- Stable integer keys for runs and candidates (a rowid may change on VACUUM; these never do), given on insert.
  DROP TRIGGER candidates_rev_insert;
  DROP TRIGGER candidates_rev_update;
  ALTER TABLE candidates ADD COLUMN n INTEGER;
  UPDATE candidates SET n = rowid;
  CREATE UNIQUE INDEX candidates_n ON candidates(n);
  CREATE TRIGGER candidates_rev_insert AFTER INSERT ON candidates BEGIN
    UPDATE candidates SET rev = (SELECT coalesce(max(rev), 0) + 1 FROM candidates),
      n = coalesce(new.n, (SELECT coalesce(max(n), 0) + 1 FROM candidates)) WHERE rowid = new.rowid;
  END;
  CREATE TRIGGER candidates_rev_update AFTER UPDATE ON candidates WHEN new.rev IS old.rev BEGIN
    UPDATE candidates SET rev = (SELECT coalesce(max(rev), 0) + 1 FROM candidates) WHERE rowid = new.rowid;
  END;
  ALTER TABLE runs ADD COLUMN n INTEGER;
  UPDATE runs SET n = rowid;
  CREATE UNIQUE INDEX runs_n ON runs(n);
  CREATE TRIGGER runs_n_insert AFTER INSERT ON runs WHEN new.n IS NULL BEGIN
    UPDATE runs SET n = (SELECT coalesce(max(n), 0) + 1 FROM runs) WHERE rowid = new.rowid;
  END;

  CREATE TABLE event_kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  INSERT INTO event_kinds (id, name) VALUES ${KINDS_V6.map((k, i) => `(${i + 1}, '${k}')`).join(', ')};
  INSERT OR IGNORE INTO event_kinds (name) SELECT DISTINCT kind FROM events ORDER BY kind;
  CREATE TABLE event_shapes (
    id INTEGER PRIMARY KEY,
    keys TEXT NOT NULL,
    fixed TEXT NOT NULL,
    slots TEXT NOT NULL,
    UNIQUE (keys, fixed)
  );
  CREATE TABLE event_rows (
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(n),
    candidate INTEGER REFERENCES candidates(n),
    at NOT NULL,
    kind INTEGER NOT NULL,
    shape INTEGER,
    data TEXT NOT NULL
  );
  -- The old rows keep their data_json text as it was (shape NULL); an unknown run or candidate (written with
  -- foreign keys off) fails the migration, which then leaves the file as it was.
  INSERT INTO event_rows (id, run, candidate, at, kind, shape, data)
  SELECT e.id, coalesce(r.n, -1), CASE WHEN e.candidate_id IS NULL THEN NULL ELSE coalesce(c.n, -1) END,
         ${storedAtSql('e.at')}, k.id, NULL, e.data_json
  FROM events e
  LEFT JOIN runs r ON r.id = e.run_id
  LEFT JOIN candidates c ON c.id = e.candidate_id
  JOIN event_kinds k ON k.name = e.kind
  ORDER BY e.id;
  DROP TABLE events;
  CREATE INDEX events_run ON event_rows(run);
  CREATE INDEX events_candidate ON event_rows(candidate);
  CREATE INDEX events_log ON event_rows(run) WHERE kind IN (${LOG_CODE_LIST});
  ${EVENTS_VIEW}
  ${VIEW_TRIGGERS}
`;
