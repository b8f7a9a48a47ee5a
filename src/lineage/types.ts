import type { CandidateRow, CandidateStatus, CandidateStep, EventKind, RunStatus } from './schema.ts';

export interface OpenStoreOptions {
  /** Open for reading only: nothing is created, migrated or written; works while a runner writes. */
  readonly?: boolean;
  /** The clock for timestamps (ISO-8601 UTC); tests pass a fixed one. */
  now?: () => Date;
}

export interface NewRun {
  id: string;
  target: string;
  /** Stored as config_json: the frozen configuration of the run (build and test commands included). */
  config: unknown;
  startedAt?: string;
}

export interface NewCandidate {
  id: string;
  runId: string;
  generation: number;
  parentId: string | null;
  branch: string | null;
  baseCommit: string | null;
  goal?: string | null;
  commitSha?: string | null;
  status?: CandidateStatus;
  step?: CandidateStep;
  startedAt?: string | null;
}

/** Any column of a candidate except its identity. */
export type CandidatePatch = Partial<Omit<CandidateRow, 'id' | 'run_id'>>;

export interface NewEvent {
  runId: string;
  candidateId: string | null;
  kind: EventKind;
  data?: Record<string, unknown>;
  at?: string;
}

/** One metered model call, as the proxy records it. Extra fields land in the event's data_json as given. */
/**
 * One metered model call, the one shape for the proxy that measures it and the store that records it (as a
 * `model_call` event, its fields in snake_case, and in the candidate's totals).
 */
export interface ModelCallRecord {
  runId: string;
  candidateId: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  ms?: number;
  /** The HTTP status the candidate got (the upstream's, or 502 when the upstream never answered). */
  status?: number;
  stream?: boolean;
  /** Upstream attempts made (1 when the first one answered). */
  attempts?: number;
  stopReason?: string | null;
  /** The candidate hung up before the end; the proxy read on until the usage arrived. */
  clientClosed?: boolean;
  /** How long the call waited for the candidate's (or the run's) calls in flight to settle before it could reserve. */
  waitedMs?: number;
  /**
   * The final usage never arrived (a stream that broke, a timeout): `costUsd` is then the call's reserved worst
   * case, so the totals never fall short of what the API may bill.
   */
  usageUnknown?: boolean;
  error?: string;
  at?: string;
}

export interface NewTranscript {
  runId: string;
  candidateId: string;
  request: unknown;
  response: unknown;
  at?: string;
}

export interface Transcript {
  id: number;
  runId: string;
  candidateId: string;
  at: string;
  request: unknown;
  /** null when the call failed before a response arrived. */
  response: unknown;
}

export interface TreeNode {
  candidate: CandidateRow;
  children: TreeNode[];
}

export interface GenerationStats {
  generation: number;
  count: number;
  survivors: number;
  passed: number;
  failed: number;
  bestScore: number | null;
  meanScore: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface EventQuery {
  /** Only the latest `limit` events (still returned oldest first). */
  limit?: number;
  /** Only events with a larger id (for tailing). */
  afterId?: number;
}

export type { RunStatus };
