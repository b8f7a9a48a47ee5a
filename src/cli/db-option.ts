import type { z } from 'zod';
import { UsageError } from '../errors.ts';
import { safeText } from '../safe-text.ts';
import { openStore, type LineageStore } from '../lineage/store.ts';
import type { CandidateRow, RunRow } from '../lineage/schema.ts';
import type { LineageView } from '../lineage/export.ts';

/** Shared by the commands that read lineage.db: read-only opening, run and id lookup, option parsing, output. */

export { DEFAULT_DB, addDbOption, addRunOption, addVerboseOption } from './options.ts';

/** Parses commander's options once at the boundary; the first problem becomes a one-line UsageError. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `--${issue.path.join('.')}: ` : '';
  throw new UsageError(`${where}${issue.message}`);
}

/**
 * Writes a command's output. A reader that went away (`evolve lineage | head`) is not an error: the rest of the
 * output has no one to go to, so EPIPE ends the command quietly instead of with a stack trace.
 */
let guarded = false;
/** Writes to stdout; `candidateText` output is made safe (safeText) when stdout is a terminal (piped output is exact). */
export function writeOutput(text: string, options: { candidateText?: boolean } = {}): void {
  if (options.candidateText && process.stdout.isTTY) text = safeText(text);
  if (!guarded) {
    guarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') return;
      process.stderr.write(`evolve: cannot write the output: ${err.message}\n`);
      process.exitCode = 1;
    });
  }
  process.stdout.write(text);
}

/**
 * Opens the database read-only (never writes; works while a run writes it), runs `fn` on one consistent snapshot,
 * closes it.
 */
export function withReader<T>(dbPath: string, fn: (store: LineageStore) => T): T {
  const store = openStore(dbPath, { readonly: true });
  try {
    return store.snapshot(() => fn(store));
  } finally {
    store.close();
  }
}

/** The run named by --run, else the latest one. */
export function resolveRun(store: LineageStore, runId: string | undefined): RunRow {
  if (runId !== undefined) {
    const run = store.getRun(runId);
    if (!run) throw new UsageError(`no run ${runId} in ${store.path} (runs: ${store.recentRunIds()})`);
    return run;
  }
  const latest = store.latestRun();
  if (!latest) throw new UsageError(`${store.path} has no runs yet`);
  return latest;
}

/** A candidate by full id or by an unambiguous prefix of it. */
export function resolveCandidate(store: LineageStore, given: string): CandidateRow {
  // Ids are lower-case hex; one copied in upper case (or typed so) is the same id.
  const idOrPrefix = /^[0-9a-f]+$/i.test(given) ? given.toLowerCase() : given;
  const exact = store.getCandidate(idOrPrefix);
  if (exact) return exact;
  const matches = idOrPrefix.length >= 2 ? store.candidatesByPrefix(idOrPrefix) : [];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw new UsageError(`candidate id ${idOrPrefix} is ambiguous (${matches[0].id}, ${matches[1].id}, …)`);
  throw new UsageError(`no candidate ${idOrPrefix} in ${store.path}`);
}

/** What `lineage` and `export` render: the run's tree, per-generation stats and best candidate. */
export function lineageView(store: LineageStore, run: RunRow): LineageView {
  return { run, roots: store.tree(run.id), stats: store.generationStats(run.id), best: store.bestCandidate(run.id), metrics: store.metrics(run.id) };
}
