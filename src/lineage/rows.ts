import type Database from 'better-sqlite3';

/**
 * Many-row reads, fast: better-sqlite3 builds each row object property by property, which for the 31 columns of a
 * candidate costs several times the query itself (10,000 rows: ~250 ms against ~60 ms). Reading rows as arrays
 * and building the objects with one compiled object literal per statement keeps the whole-tree load well inside
 * its 200 ms budget. The column names are string literals made by JSON.stringify, so no name can inject code.
 */
export interface RowReader<T> {
  all(...params: unknown[]): T[];
}

export function rowReader<T>(stmt: Database.Statement): RowReader<T> {
  const names = stmt.columns().map((c) => c.name);
  const literal = names.map((name, i) => `${JSON.stringify(name)}: row[${i}]`).join(', ');
  const toObject = new Function('row', `return { ${literal} };`) as (row: unknown[]) => T;
  const raw = stmt.raw(true);
  return {
    all: (...params: unknown[]) => (raw.all(...params) as unknown[][]).map(toObject),
  };
}
