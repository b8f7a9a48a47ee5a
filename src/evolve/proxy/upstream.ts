/**
 * Calls the real API with bounded retries. A call is retried only while nothing of its answer has reached the
 * candidate: on 408/429/5xx/529 answers (honouring retry-after and x-should-retry) and on connections that fail or
 * drop before the answer is read. A stream that has started is the candidate's from then on.
 */
import type { RetryOptions } from './types.ts';

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504, 529]);

export type UpstreamResult =
  /** A successful event stream, not yet read. */
  | { kind: 'stream'; response: Response; attempts: number }
  /** A whole answer (JSON success or the last error), read into memory. */
  | { kind: 'buffered'; status: number; headers: Headers; body: Buffer; attempts: number }
  /** No answer at all after the last attempt; `timedOut` when the API may have done (and billed) the work. */
  | { kind: 'unreachable'; error: string; attempts: number; timedOut?: boolean };

export interface RetryInfo {
  attempt: number;
  status: number | null;
  error?: string;
  delayMs: number;
}

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  retry: Required<RetryOptions>;
  /** Aborts waits and the fetch when the proxy closes. */
  signal: AbortSignal;
  onRetry: (info: RetryInfo) => void;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

export async function callUpstream(call: UpstreamCall): Promise<UpstreamResult> {
  const { retry } = call;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= retry.attempts;
    let response: Response;
    try {
      response = await fetch(call.url, {
        method: 'POST', headers: call.headers, body: new Uint8Array(call.body), signal: call.signal,
      });
    } catch (err) {
      // A timeout means the API may have done (and billed) the work: asking again could pay for it twice.
      if (isTimeout(err)) return { kind: 'unreachable', error: describe(err), attempts: attempt, timedOut: true };
      if (call.signal.aborted || last) return { kind: 'unreachable', error: describe(err), attempts: attempt };
      await wait(call, { attempt, status: null, error: describe(err), delayMs: backoff(retry, attempt) });
      continue;
    }
    const isStream = response.ok && (response.headers.get('content-type') ?? '').includes('text/event-stream');
    if (isStream) return { kind: 'stream', response, attempts: attempt };
    let body: Buffer;
    try {
      body = Buffer.from(await response.arrayBuffer());
    } catch (err) {
      if (call.signal.aborted || last) return { kind: 'unreachable', error: describe(err), attempts: attempt };
      await wait(call, { attempt, status: response.status, error: describe(err), delayMs: backoff(retry, attempt) });
      continue;
    }
    if (last || !shouldRetry(response)) {
      return { kind: 'buffered', status: response.status, headers: response.headers, body, attempts: attempt };
    }
    await wait(call, { attempt, status: response.status, delayMs: delayFor(response.headers, retry, attempt) });
  }
}

function shouldRetry(response: Response): boolean {
  const hint = response.headers.get('x-should-retry');
  if (hint === 'false') return false;
  if (hint === 'true') return true;
  return RETRYABLE.has(response.status);
}

function backoff(retry: Required<RetryOptions>, attempt: number): number {
  const exp = retry.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(retry.maxDelayMs, Math.round(exp * (0.75 + Math.random() * 0.5)));
}

/** retry-after-ms, then retry-after (seconds or an HTTP date), else exponential backoff; never past maxDelayMs. */
export function delayFor(headers: Headers, retry: Required<RetryOptions>, attempt: number): number {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.min(retry.maxDelayMs, ms);
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    const fromDate = Date.parse(after) - Date.now();
    const value = Number.isFinite(seconds) ? seconds * 1000 : fromDate;
    if (Number.isFinite(value) && value >= 0) return Math.min(retry.maxDelayMs, value);
  }
  return backoff(retry, attempt);
}

async function wait(call: UpstreamCall, info: RetryInfo): Promise<void> {
  call.onRetry(info);
  if (info.delayMs <= 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, info.delayMs);
    function done() {
      clearTimeout(timer);
      call.signal.removeEventListener('abort', done);
      resolve();
    }
    call.signal.addEventListener('abort', done, { once: true });
  });
}

function isTimeout(err: unknown): boolean {
  const cause = err instanceof Error ? (err as Error & { cause?: { code?: unknown } }).cause : undefined;
  return typeof cause?.code === 'string' && /TIMEOUT/.test(cause.code);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  const code = cause && typeof cause === 'object' && 'code' in cause ? ` (${String((cause as { code: unknown }).code)})` : '';
  return `${err.message}${code}`;
}
