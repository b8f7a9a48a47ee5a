/**
 * Server-sent events from the Messages API: split into whole events (forwarded exactly as received), and folded into
 * the Message they describe so that the usage can be billed and the transcript stored.
 * Usage arrives twice: `message_start` carries the input side, `message_delta` the final output count.
 */
import type { Usage } from './prices.ts';

export interface SseEvent {
  /** The event's bytes as received, blank-line terminator included. */
  raw: string;
  event: string;
  data: string;
}

/** Splits a byte stream into SSE events; `push` returns the events completed by the chunk. */
export class SseSplitter {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** Whatever is left when the stream ends (an unterminated last event). */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const end = match.index + match[0].length;
      events.push(parseEvent(this.buffer.slice(0, end)));
      this.buffer = this.buffer.slice(end);
    }
    if (final && this.buffer.length > 0) {
      events.push(parseEvent(this.buffer));
      this.buffer = '';
    }
    return events;
  }
}

function parseEvent(raw: string): SseEvent {
  let event = 'message';
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return { raw, event, data: data.join('\n') };
}

type Json = Record<string, any>;

/** Folds stream events into a Message-like object, as the SDK's `finalMessage()` would. */
export class MessageAssembler {
  message: Json | null = null;
  error: Json | null = null;
  /** True once `message_delta` brought the final usage. */
  finalUsage = false;
  private readonly partialJson = new Map<number, string>();

  add(ev: SseEvent): void {
    let data: Json;
    try {
      data = JSON.parse(ev.data) as Json;
    } catch {
      return;
    }
    if (!data || typeof data !== 'object') return;
    const type = typeof data.type === 'string' ? data.type : ev.event;
    const m = this.message;
    if (type === 'message_start' && data.message && typeof data.message === 'object') {
      this.message = { ...data.message, content: [...(data.message.content ?? [])] };
    } else if (type === 'content_block_start' && m && typeof data.index === 'number') {
      m.content[data.index] = { ...data.content_block };
    } else if (type === 'content_block_delta' && m && typeof data.index === 'number') {
      this.applyDelta(m.content[data.index], data.index, data.delta ?? {});
    } else if (type === 'content_block_stop' && m && typeof data.index === 'number') {
      const json = this.partialJson.get(data.index);
      if (json !== undefined && m.content[data.index]) {
        try {
          m.content[data.index].input = json.length > 0 ? JSON.parse(json) : {};
        } catch {
          m.content[data.index].input = json;
        }
      }
    } else if (type === 'message_delta' && m) {
      Object.assign(m, data.delta ?? {});
      if (data.usage && typeof data.usage === 'object') {
        const merged: Json = { ...(m.usage ?? {}) };
        for (const [k, v] of Object.entries(data.usage)) if (v !== null && v !== undefined) merged[k] = v;
        m.usage = merged;
        this.finalUsage = true;
      }
    } else if (type === 'error') {
      this.error = data;
    }
  }

  private applyDelta(block: Json | undefined, index: number, delta: Json): void {
    if (!block) return;
    switch (delta.type) {
      case 'text_delta': block.text = (block.text ?? '') + (delta.text ?? ''); break;
      case 'thinking_delta': block.thinking = (block.thinking ?? '') + (delta.thinking ?? ''); break;
      case 'signature_delta': block.signature = delta.signature; break;
      case 'input_json_delta':
        this.partialJson.set(index, (this.partialJson.get(index) ?? '') + (delta.partial_json ?? ''));
        break;
      case 'citations_delta': block.citations = [...(block.citations ?? []), delta.citation]; break;
      default: break;
    }
  }
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/** The usage block of a Message (or a count_tokens-free zero when there is none). */
export function usageOf(message: Json | null | undefined): Usage {
  const u = (message?.usage ?? {}) as Json;
  return {
    inputTokens: count(u.input_tokens),
    outputTokens: count(u.output_tokens),
    cacheReadTokens: count(u.cache_read_input_tokens),
    cacheWriteTokens: count(u.cache_creation_input_tokens),
    cacheWrite1hTokens: count(u.cache_creation?.ephemeral_1h_input_tokens),
  };
}

export const totalTokens = (u: Usage): number =>
  u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
