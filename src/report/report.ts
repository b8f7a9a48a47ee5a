import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { openDatabase } from '../lineage/open.ts';
import type { RunRow } from '../lineage/schema.ts';
import { LineageStore } from '../lineage/store.ts';
import { loadReport } from './data.ts';
import type { DiffLimits } from './diffs.ts';
import { renderReport } from './page.ts';

/** `evolve report`: reads a run, renders its page, writes it in one piece. */

export interface BuiltReport {
  run: RunRow;
  html: string;
  candidates: number;
}

/**
 * Opens `dbPath` read-only (works while a runner writes it), lets `pickRun` choose the run (it throws a UsageError
 * for an unknown one), and renders the page. Nothing is written here.
 */
export async function buildReport(
  dbPath: string, pickRun: (store: LineageStore) => RunRow, options: { diffLimits?: DiffLimits; now?: Date } = {},
): Promise<BuiltReport> {
  const db = openDatabase(dbPath, true);
  const store = new LineageStore(db, dbPath, { readonly: true });
  try {
    const run = pickRun(store);
    const data = await loadReport(store, db, run, options);
    return { run, html: renderReport(data), candidates: data.candidates.length };
  } finally {
    store.close();
  }
}

/** `evolve-report-<run>.html`, with anything but [A-Za-z0-9._-] in a (hand-edited) run id made `_`. */
export function defaultReportName(runId: string): string {
  return `evolve-report-${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
}

/**
 * Writes `text` to `file` atomically: into a new file beside it, then renamed over it, so a reader (or a browser
 * reloading it) sees the old page or the new one, never half of one, and a failed write leaves the old one.
 */
export function writeAtomically(file: string, text: string): void {
  const full = path.resolve(file);
  let isDirectory = false;
  try {
    isDirectory = statSync(full).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (isDirectory) throw new UsageError(`${file} is a directory: give -o a file name`);
  const temp = path.join(path.dirname(full), `.${path.basename(full)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx', mode: 0o644 });
    renameSync(temp, full);
  } catch (err) {
    rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `directory ${path.dirname(full)} does not exist` : (err as Error).message;
    throw new UsageError(`cannot write ${file}: ${why}`, { cause: err });
  }
}
