/** The proxy's public shapes: what the runner passes in, what the store receives. */
import type { PriceTable } from './prices.ts';

/** One forwarded call, recorded when it ends (the store adds it as a `model_call` event and to the totals). */
/* A type, not an interface, so that it is assignable to the store's open-ended ModelCall. */
export type ModelCallRecord = {
  runId: string;
  candidateId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  ms: number;
  /** The HTTP status the candidate got (the upstream's, or 502 when the upstream never answered). */
  status: number;
  stream: boolean;
  /** Upstream attempts made (1 when the first one answered). */
  attempts: number;
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
};

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
