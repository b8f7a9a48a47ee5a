import { randomBytes } from 'node:crypto';

const pad = (n: number) => String(n).padStart(2, '0');

/** A run id: `YYYYMMDD-HHMMSS-xxxx` (UTC time, 4 random hex digits). Sorts by start time. */
export function newRunId(now: Date = new Date()): string {
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}

/**
 * A candidate id: 8 random hex digits (what users type). Unique across runs because the caller says which ids are
 * `taken` (the store's, and any drawn but not yet written): at 10,000 candidates a random id collides about 1% of
 * the time, and a collision would be a primary-key error that fails the run.
 */
export function newCandidateId(taken: (id: string) => boolean): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken(id)) return id;
  }
}

/** The branch of a child candidate; the seed has none (it is the target's HEAD). */
export function candidateBranch(runId: string, generation: number, candidateId: string): string {
  return `evolve/${runId}/g${generation}-${candidateId}`;
}

export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{4}$/;
export const CANDIDATE_ID_PATTERN = /^[0-9a-f]{8}$/;
