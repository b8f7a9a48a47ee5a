import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { migrate, refuseForeignDatabase } from './migrate.ts';

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** How long a connection waits for another one's lock before giving up (the runner writes in short transactions). */
export const BUSY_TIMEOUT_MS = 5_000;

/** WAL pages (4 KiB each) after which a writer checkpoints. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks a path before SQLite sees it, so that a wrong path never gets turned into (or scribbled over as) a database.
 * Returns whether the file exists with content (an empty file counts as a new database).
 */
export function checkDatabasePath(path: string, readonly: boolean): { exists: boolean } {
  const stats = statOrNull(path);
  if (stats === null) {
    if (readonly) throw new UsageError(`${path}: no such file (no lineage database here; pass --db <file>)`);
    const dir = statOrNull(dirname(path));
    if (dir === null || !dir.isDirectory()) throw new UsageError(`${path}: directory ${dirname(path)} does not exist`);
    return { exists: false };
  }
  if (stats.isDirectory()) throw new UsageError(`${path} is a directory, not a lineage database file`);
  if (!stats.isFile()) throw new UsageError(`${path} is not a regular file`);
  if (stats.size === 0) {
    if (readonly) throw new UsageError(`${path} is empty: no runs recorded yet`);
    return { exists: false };
  }
  let header: Buffer;
  try {
    header = readHeader(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!header.equals(SQLITE_HEADER)) {
    throw new UsageError(`${path} is not an SQLite database (left untouched)`);
  }
  return { exists: true };
}

/**
 * Opens a lineage database. Writable opens create the file, switch to WAL and migrate to SCHEMA_VERSION;
 * readonly opens change nothing at all and can read while another process writes (WAL readers never block it).
 */
/** A readable SQLite file with no lineage schema yet: nothing to read, though a run may start in it. */
export class NoLineageYet extends UsageError {
  constructor(path: string) {
    super(`${path} holds no lineage yet (schema version 0: no runs recorded)`);
  }
}

export function openDatabase(path: string, readonly: boolean): Database.Database {
  checkDatabasePath(path, readonly);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw new UsageError(`cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new UsageError(
        `${path} was written by a newer evolve (schema version ${version}; this evolve knows up to ${SCHEMA_VERSION}): upgrade evolve to read it`,
      );
    }
    if (readonly) {
      // Another application's SQLite file is "not a lineage database", not an empty one.
      refuseForeignDatabase(db, path);
      if (version === 0) throw new NoLineageYet(path);
      return db;
    }
    refuseForeignDatabase(db, path);
    // WAL lets readers (evolve lineage, watch) read while the runner writes. NORMAL sync in WAL mode is crash-safe
    // for the application (a committed transaction survives a process crash); only a power cut may lose the last ones.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new UsageError(`${path}: cannot switch to WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    // Checkpoint (copy the WAL into the file, with an fsync) every ~40 MB instead of every 4 MB: at the default the
    // fsyncs took half of a 1M-event load (bench/lineage.ts). journal_size_limit trims the WAL file afterwards.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    migrate(db, path);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof UsageError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new UsageError(`${path} is not a valid SQLite database: ${(err as Error).message}`, { cause: err });
    }
    // Anything else SQLite says while opening is about the file (permissions, a read-only directory, a lock).
    if (code.startsWith('SQLITE_')) throw new UsageError(`cannot open ${path}: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}
