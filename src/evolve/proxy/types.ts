/** The proxy's public shapes: what the runner passes in, what the store receives. */
import type { ModelCallRecord } from '../../lineage/types.ts';
import type { PriceTable } from './prices.ts';

/** One forwarded call, recorded when it ends: the store's own record type (the proxy fills every field but `at`). */
export type { ModelCallRecord } from '../../lineage/types.ts';

export type ProxyEventKind = 'model_retry' | 'budget_exhausted' | 'model_refused' | 'tool_call' | 'sandbox_denied';

export interface ProxyEvent {
  runId: string;
  candidateId: string | null;
  kind: ProxyEventKind;
  data: Record<string, unknown>;
}

export interface TranscriptRecord {
  runId: string;
  candidateId: string;
  /** The request body as the candidate sent it, secrets redacted. */
  request: unknown;
  /** The response as a Message (streams reassembled), or the error body; secrets redacted. */
  response: unknown;
}

/** What the proxy needs from the store (LineageStore satisfies it). Calls may return promises; they are awaited. */
export interface ProxyRecorder {
  recordModelCall(call: ModelCallRecord): unknown;
  appendEvent(event: ProxyEvent): unknown;
  addTranscript(transcript: TranscriptRecord): unknown;
}

export interface RetryOptions {
  /** Upstream attempts per call, the first included. Default 5. */
  attempts?: number;
  /** First backoff; doubled per attempt, with jitter. Default 1000 ms. */
  baseDelayMs?: number;
  /** No wait (retry-after included) is longer. Default 60 000 ms. */
  maxDelayMs?: number;
}

export interface ProxyOptions {
  /** Where to listen (put it in a directory only this user can enter); the file is made 0600: the jails run as this user. */
  socketPath: string;
  /** The real API: the user's ANTHROPIC_BASE_URL or https://api.anthropic.com, and the real key. */
  upstream: { baseUrl: string; apiKey: string; headers?: Record<string, string> };
  /** Model ids a candidate may call; anything else is refused with 400. */
  models: readonly string[];
  prices: PriceTable;
  /** The run every call is recorded under. */
  runId: string;
  /** The run's cap in USD; `Infinity` only when the user asked for no cap. */
  runBudgetUsd: number;
  /** Spend already recorded for this run (a resumed run). */
  alreadySpentUsd?: number;
  /** Optional cap on all tokens (input + output + cache) of the run. */
  runMaxTokens?: number;
  alreadySpentTokens?: number;
  recorder: ProxyRecorder;
  retry?: RetryOptions;
  /** Input tokens assumed per byte of request body when reserving; see docs/INTERNALS.md. Default 1. */
  inputTokensPerByte?: number;
  /** Diagnostics the runner prints with --verbose (recorder failures, upstream errors). */
  log?: (line: string) => void;
}

export interface AdmitOptions {
  budgetUsd: number;
  /** What this candidate already spent in earlier attempts (a resumed run). */
  spentUsd?: number;
  maxTokens?: number;
  spentTokens?: number;
}

export interface BudgetExhausted {
  scope: 'run' | 'candidate';
  candidateId: string;
  neededUsd: number;
  remainingUsd: number;
}
