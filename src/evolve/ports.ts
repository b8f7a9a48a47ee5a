/**
 * The small interfaces the runner is built from, so that tests drive real things (a real store, real git, a real
 * sandbox) and the rooms stay apart. The lineage store (src/lineage) and the metering proxy (src/evolve/proxy)
 * satisfy these structurally.
 */
import type { CandidateRow, EventKind, EventRow, RunRow, RunStatus } from '../lineage/schema.ts';
import type { CandidatePatch, NewCandidate } from '../lineage/types.ts';

export type { CandidatePatch, NewCandidate };

/** What the runner writes and reads in lineage.db (one writer: the runner). */
export interface RunnerStore {
  createRun(run: { id: string; target: string; config: unknown }): unknown;
  setRunStatus(id: string, status: RunStatus, stopReason?: string): void;
  finishRun(id: string, status: Exclude<RunStatus, 'running'>, stopReason?: string): void;
  getRun(id: string): RunRow | null | undefined;
  addCandidate(c: NewCandidate): CandidateRow;
  updateCandidate(id: string, patch: CandidatePatch): CandidateRow;
  appendEvent(e: { runId: string; candidateId: string | null; kind: EventKind; data?: Record<string, unknown>; at?: string }): number;
  getCandidate(id: string): CandidateRow | null | undefined;
  candidates(runId: string): CandidateRow[];
  events(candidateId: string): EventRow[];
  setMetrics(runId: string, candidateId: string, metrics: readonly { name: string; value: number; spread: number; runs: number }[]): void;
  transaction<T>(fn: () => T): T;
}

/** The metering proxy as the runner uses it: one token per candidate, revoked when the candidate ends. */
export interface ModelProxy {
  admit(candidateId: string, opts: { budgetUsd: number; spentUsd?: number }): string | Promise<string>;
  /** Serves an admitted candidate on a socket of its own (closed by dismiss); without it, the shared socket is used. */
  openSocket?(candidateId: string, socketPath: string): Promise<void>;
  dismiss(candidateId: string): void | Promise<void>;
  spentUsd(): number;
  close(): Promise<void> | void;
}

export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };
