/** Turns a script's answer into the Messages API's JSON message or its SSE event sequence. */
import { randomBytes } from 'node:crypto';
import type { MessagesRequest, ReplyBlock, StopReason, Usage } from './types.ts';
import { tokensOf } from './cache.ts';

export interface BuiltMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ReplyBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: Usage & { cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number }; service_tier: 'standard' };
}

/** The message for a script's content, cut at max_tokens as the real API would. */
export function buildMessage(
  request: MessagesRequest, content: ReplyBlock[], stopReason: StopReason | undefined, input: Omit<Usage, 'output_tokens'>,
): BuiltMessage {
  const kept: ReplyBlock[] = [];
  let output = 0;
  let truncated = false;
  for (const block of content) {
    const cost = tokensOf(block.type === 'text' ? block.text : block.input);
    if (output + cost <= request.max_tokens) {
      kept.push(block);
      output += cost;
      continue;
    }
    truncated = true;
    if (block.type === 'text') {
      const room = Math.max(0, (request.max_tokens - output) * 4 - 2);
      if (room > 0) kept.push({ type: 'text', text: block.text.slice(0, room) });
      output = request.max_tokens;
    }
    break;
  }
  const stop: StopReason = truncated ? 'max_tokens' : (stopReason ?? (kept.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'));
  return {
    id: `msg_standin_${randomBytes(8).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: kept,
    stop_reason: stop,
    stop_sequence: null,
    usage: {
      ...input,
      output_tokens: Math.max(1, output),
      cache_creation: { ephemeral_5m_input_tokens: input.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
      service_tier: 'standard',
    },
  };
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...(data as object) })}\n\n`;
}

/**
 * The real event sequence: message_start (usage with the input side), ping, per block content_block_start /
 * deltas / content_block_stop (tool input as input_json_delta fragments), message_delta (stop_reason, cumulative
 * usage), message_stop. `streamError` sends an error event after message_start instead, as the API does when
 * it is overloaded mid-stream.
 */
export function sseEvents(message: BuiltMessage, streamError?: { type: string; message: string }): string[] {
  const events: string[] = [];
  const start = { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } };
  events.push(sse('message_start', { message: start }));
  if (streamError) {
    events.push(sse('error', { error: streamError }));
    return events;
  }
  events.push(sse('ping', {}));
  for (const [index, block] of message.content.entries()) {
    if (block.type === 'text') {
      events.push(sse('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const text of chunks(block.text, 24)) events.push(sse('content_block_delta', { index, delta: { type: 'text_delta', text } }));
    } else {
      events.push(sse('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }));
      for (const partial_json of chunks(JSON.stringify(block.input ?? {}), 16)) {
        events.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
      }
    }
    events.push(sse('content_block_stop', { index }));
  }
  const { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens } = message.usage;
  events.push(sse('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens },
  }));
  events.push(sse('message_stop', {}));
  return events;
}
