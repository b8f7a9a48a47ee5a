/** Workers, a runner and the checks the queue's end-to-end tests share. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startEvolve, tempDir } from '../evolve/helpers.ts';
import { waitFor } from '../wait.ts';

export interface WorkerProcess {
  name: string;
  workdir: string;
  child: ReturnType<typeof startEvolve>['child'];
  done: ReturnType<typeof startEvolve>['done'];
  /** Resolves once the worker is connected and waiting for candidates. */
  ready: Promise<void>;
  /** What it said so far (stderr). */
  said(): string;
}

/** An `evolve worker` with no API key in its environment (only PATH and HOME). */
export function startWorker(queue: string, name: string, extra: string[] = []): WorkerProcess {
  const workdir = tempDir(`evolve-worker-${name}-`);
  const { child, done } = startEvolve(['worker', '--queue', queue, '--name', name, '--workdir', workdir, ...extra], {});
  let said = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('waiting for candidates')) resolve();
    });
    void done.then((r) => reject(new Error(`worker ${name} exited (${r.code ?? r.signal}) before it was ready: ${r.stderr.slice(-500)}`)));
  });
  ready.catch(() => {});
  return { name, workdir, child, done, ready, said: () => said };
}

/** Waits until every worker is connected to the queue. */
export async function allReady(workers: WorkerProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => w.ready));
}

/** Stops workers as a user would (SIGTERM) and waits for them to exit. */
export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.done));
}

/** Processes whose command line names any of `marks` (workdirs, repositories): none should outlive a test. */
export function processesNaming(marks: string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (marks.some((m) => cmd.includes(m))) found.push(`${pid}: ${cmd.slice(0, 200)}`);
  }
  return found;
}

export interface CandidateRowLite {
  id: string; generation: number; parent_id: string | null; branch: string | null; commit_sha: string | null; status: string;
  survived: number; worker: string | null; attempts: number; step: string; model_calls: number; cost_usd: number; phase: string | null;
  error: string | null;
}

/** Reads lineage.db while the run writes it (WAL: readers never block the writer). */
export function readRows(db: string): CandidateRowLite[] {
  try {
    const sql = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return sql.prepare('SELECT * FROM candidates ORDER BY generation, id').all() as CandidateRowLite[];
    } finally {
      sql.close();
    }
  } catch {
    return [];
  }
}

/** Waits until a candidate's agent is in `phase` on one of `workers`, and returns its row. */
export function waitForPhaseOn(db: string, workers: string[], phase: string, timeoutMs = 60_000): Promise<CandidateRowLite> {
  return waitFor(() => readRows(db).find((r) => r.worker !== null && workers.includes(r.worker) && r.status === 'running' && r.phase === phase),
    `a candidate in phase ${phase} on a worker`, timeoutMs);
}

export const dbIn = (dir = tempDir()) => path.join(dir, 'lineage.db');
