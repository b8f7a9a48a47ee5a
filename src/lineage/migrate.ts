import Database from 'better-sqlite3';
import { UsageError } from '../errors.ts';
import { MIGRATIONS } from './schema.ts';

/** The tables a lineage database may hold; a version-0 file with any other table belongs to someone else. */
const LINEAGE_TABLES = new Set(['runs', 'candidates', 'events', 'transcripts', 'metrics']);

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
}

function userTables(db: Database.Database): string[] {
  const rows = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}

function columns(db: Database.Database, table: string): ColumnInfo[] {
  return db.prepare(`SELECT name, type, "notnull", dflt_value FROM pragma_table_info(?)`).all(table) as ColumnInfo[];
}

/**
 * A version-0 file may already hold the contract's tables (written before the schema was versioned) with only the
 * contract's minimum columns. CREATE TABLE IF NOT EXISTS keeps those tables, so add every column that migration 1
 * defines and they lack, with the same type and default, before running it. Data stays as it is.
 */
function adoptUnversionedTables(db: Database.Database): void {
  const existing = userTables(db).filter((t) => LINEAGE_TABLES.has(t));
  if (existing.length === 0) return;
  const reference = new Database(':memory:');
  try {
    reference.exec(MIGRATIONS[0]);
    for (const table of existing) {
      const have = new Set(columns(db, table).map((c) => c.name));
      for (const col of columns(reference, table)) {
        if (have.has(col.name)) continue;
        const notNull = col.notnull && col.dflt_value !== null ? ' NOT NULL' : '';
        const dflt = col.dflt_value !== null ? ` DEFAULT ${col.dflt_value}` : '';
        db.exec(`ALTER TABLE "${table}" ADD COLUMN "${col.name}" ${col.type}${notNull}${dflt}`);
      }
    }
  } finally {
    reference.close();
  }
}

/** Refuses an unversioned SQLite file that holds tables of another application (call before changing anything). */
export function refuseForeignDatabase(db: Database.Database, path: string): void {
  if ((db.pragma('user_version', { simple: true }) as number) !== 0) return;
  const foreign = userTables(db).filter((t) => !LINEAGE_TABLES.has(t));
  if (foreign.length > 0) {
    throw new UsageError(
      `${path} is an SQLite database but not a lineage database (it has table ${foreign[0]}); left untouched`,
    );
  }
}

/**
 * Brings the database up to SCHEMA_VERSION, one IMMEDIATE transaction per step so that a crash leaves a consistent
 * version and two processes opening the same new file do not both migrate it.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly string[] = MIGRATIONS): void {
  for (;;) {
    const done = db.transaction((): boolean => {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version >= migrations.length) return true;
      if (version === 0) {
        refuseForeignDatabase(db, path);
        adoptUnversionedTables(db);
      }
      try {
        db.exec(migrations[version]);
      } catch (err) {
        // The transaction rolls back: the file stays at `version`, as it was.
        throw new UsageError(
          `${path}: cannot upgrade schema version ${version} to ${version + 1} (${(err as Error).message}); the file is left as it was`,
          { cause: err },
        );
      }
      db.pragma(`user_version = ${version + 1}`);
      return false;
    }).immediate();
    if (done) return;
  }
}
