/**
 * The shapes the stand-in Messages API speaks. Requests are kept loose (they are what a client sent, checked by
 * validate.ts); answers are what a script returns.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: unknown };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: { role: 'user' | 'assistant'; content: string | JsonObject[] }[];
  system?: string | JsonObject[];
  tools?: JsonObject[];
  tool_choice?: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string; disable_parallel_tool_use?: boolean };
  stream?: boolean;
  [key: string]: unknown;
}

export interface TextBlock { type: 'text'; text: string }
export interface ToolUseBlock { type: 'tool_use'; id: string; name: string; input: unknown }
export type ReplyBlock = TextBlock | ToolUseBlock;

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal';

export interface ApiErrorSpec {
  status: number;
  type: string;
  message: string;
  /** Sent as `retry-after` (seconds, rounded up) and `retry-after-ms`. */
  retryAfterMs?: number;
}

/** What a script answers for one request. `delayMs` delays any answer. */
export type ScriptAnswer =
  /** A message. stop_reason defaults to tool_use when a tool_use block is present, else end_turn. */
  | {
    content: ReplyBlock[]; stop_reason?: StopReason; delayMs?: number;
    /** Streaming only: an error event right after message_start (the API overloaded mid-stream). */
    streamError?: { type: string; message: string };
    /** Streaming only: after message_start, go silent this long before the rest (a stalled stream). */
    streamStallMs?: number;
  }
  /** An HTTP error with the real error body. */
  | { error: ApiErrorSpec; delayMs?: number }
  /** No answer at all: the connection is held for delayMs, then dropped (a hung upstream). */
  | { delayMs: number };

export interface ScriptContext {
  /** 0 for the first request the script sees, 1 for the next, ... */
  index: number;
  /** The request answered before this one (undefined for the first). */
  previous: MessagesRequest | undefined;
  /** Every earlier request the script answered, oldest first. */
  history: MessagesRequest[];
}

export type Script = (request: MessagesRequest, ctx: ScriptContext) => ScriptAnswer | Promise<ScriptAnswer>;

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** One request as the stand-in saw it, refused ones included. */
export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
  /** Set when the stand-in answered with a message (or counted tokens: input only). */
  usage?: Usage;
  error?: { type: string; message: string };
}
