/**
 * Passing an upstream answer back to the candidate: whole JSON answers and event streams, with the real key scrubbed
 * from every byte the candidate receives, and the Message (or error) kept for billing and the transcript.
 */
import type { ServerResponse } from 'node:http';
import { MessageAssembler, SseSplitter } from './stream.ts';

/** Upstream headers a candidate may see; everything else (cookies, organisation ids, encodings) stays behind. */
const PASSED_HEADERS = /^(content-type|request-id|x-request-id|retry-after|retry-after-ms|x-should-retry|anthropic-ratelimit-.*)$/;

export function candidateHeaders(upstream: Headers, scrub: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  upstream.forEach((value, name) => {
    if (PASSED_HEADERS.test(name)) out[name] = scrub(value);
  });
  return out;
}

export interface Answered {
  /** The Message (JSON or reassembled from the stream), or the error body, or the raw text. */
  response: unknown;
  message: Record<string, any> | null;
  /** The answer carried its final usage (a JSON message's usage, or a stream's message_delta). */
  usageFinal: boolean;
  /** Set when the upstream stream broke before its end. */
  streamError?: string;
  /** The error type of an `error` event inside the stream (e.g. overloaded_error mid-answer). */
  apiError?: string;
}

/** Sends a whole answer; a JSON body is parsed for the usage and the transcript. */
export function sendBuffered(
  res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer, scrub: (s: string) => string,
): Answered {
  const text = scrub(body.toString('utf8'));
  const out = Buffer.from(text, 'utf8');
  if (!res.destroyed) {
    res.writeHead(status, { ...headers, 'content-length': out.length });
    res.end(out);
  }
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the transcript keeps the text
  }
  const isMessage = status < 300 && parsed !== null && typeof parsed === 'object' && (parsed as any).type === 'message';
  const message = isMessage ? (parsed as Record<string, any>) : null;
  const usageFinal = typeof message?.usage?.output_tokens === 'number';
  return { response: parsed, message, usageFinal };
}

/**
 * Streams events to the candidate as they arrive. If the candidate has hung up, reading goes on to the end of the
 * upstream stream all the same, so the final usage (message_delta) is still billed.
 */
export async function pipeStream(
  res: ServerResponse, response: Response, headers: Record<string, string>, scrub: (s: string) => string,
): Promise<Answered> {
  const assembler = new MessageAssembler();
  const splitter = new SseSplitter();
  if (!res.destroyed) {
    res.writeHead(response.status, { ...headers, 'cache-control': 'no-cache' });
    res.flushHeaders();
  }
  const forward = (events: ReturnType<SseSplitter['push']>) => {
    for (const ev of events) {
      assembler.add(ev);
      if (!res.destroyed) res.write(scrub(ev.raw));
    }
  };
  let streamError: string | undefined;
  try {
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      forward(splitter.push(value));
    }
    forward(splitter.end());
  } catch (err) {
    streamError = err instanceof Error ? err.message : String(err);
  }
  if (streamError !== undefined) res.destroy();
  else if (!res.destroyed) res.end();
  // A stream that ended in an error event: the partial message, with the error alongside (or the error alone).
  const transcript = assembler.error
    ? (assembler.message ? { ...assembler.message, stream_error: assembler.error.error ?? assembler.error } : assembler.error)
    : assembler.message;
  const apiError = assembler.error ? String(assembler.error.error?.type ?? 'error') : undefined;
  return {
    response: transcript, message: assembler.message, usageFinal: assembler.finalUsage, streamError, apiError,
  };
}
