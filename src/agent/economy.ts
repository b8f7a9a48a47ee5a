/**
 * Token economy, as pure functions over the request.
 * - Breakpoints: the stable prefix (tools, system) is cached, and a moving breakpoint sits on the newest message;
 *   a second one stays on the previous request's newest message so that a turn with many tool calls (more blocks
 *   than the API's 20-block lookback) still reads the previous prefix. 4 at most, which is the API's limit.
 *   They are added to a copy at request time, never stored in the conversation, so they cannot pile up.
 * - Trimming: past a size threshold, old tool results (and long tool inputs) are replaced by a short note.
 *   Trimming rewrites the prefix, which invalidates the cache from the first trimmed block, so it happens in one
 *   big step that brings the conversation well under the threshold, and rarely.
 */
import type Anthropic from '@anthropic-ai/sdk';

type Block = Anthropic.ContentBlockParam;
/** One message of the conversation; content is always a list of blocks. */
export interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}
const EPHEMERAL = { type: 'ephemeral' } as const;

export interface CacheableRequest {
  system: string;
  tools: Anthropic.ToolUnion[];
  messages: Turn[];
}

export function withBreakpoints<T extends CacheableRequest>(request: T): Omit<T, 'system'> & { system: Anthropic.TextBlockParam[] } {
  const tools = request.tools.map((tool, i) => (i === request.tools.length - 1 ? { ...tool, cache_control: EPHEMERAL } : tool));
  const system = [{ type: 'text' as const, text: request.system, cache_control: EPHEMERAL }];
  const messages = request.messages.map((m) => ({ ...m }));
  const userIndexes = messages.flatMap((m, i) => (m.role === 'user' ? [i] : []));
  for (const i of new Set([messages.length - 1, userIndexes.at(-2) ?? -1])) {
    if (i >= 0) messages[i] = markLastBlock(messages[i]);
  }
  return { ...request, tools, system, messages };
}

function markLastBlock(message: Turn): Turn {
  const blocks = [...message.content];
  const last = blocks.length - 1;
  if (last < 0 || blocks[last].type === 'thinking' || blocks[last].type === 'redacted_thinking') return message;
  blocks[last] = { ...blocks[last], cache_control: EPHEMERAL } as Block;
  return { ...message, content: blocks };
}

/** A deterministic estimate (chars / 4) — the same rule the stand-in counts with. */
export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

export interface TrimOptions {
  /** Trim when the conversation is estimated above this many tokens. */
  thresholdTokens: number;
  /** The most recent messages are never trimmed. */
  keepRecent: number;
}

const LONG_INPUT_CHARS = 1000;

/**
 * Returns the conversation with tool results (and long string inputs of tool calls) older than the last
 * `keepRecent` messages replaced by a note, or the same array when it is under the threshold. tool_use ids and
 * the pairing of tool_use/tool_result are kept, so the request stays valid.
 */
export function trimOldToolOutput(messages: Turn[], options: TrimOptions): { messages: Turn[]; trimmed: number } {
  if (estimateTokens(messages) <= options.thresholdTokens) return { messages, trimmed: 0 };
  let trimmed = 0;
  const cut = Math.max(0, messages.length - options.keepRecent);
  const out = messages.map((message, i) => {
    if (i >= cut) return message;
    const content = message.content.map((block): Block => {
      if (block.type === 'tool_result' && !isTrimmed(block.content)) {
        trimmed++;
        const size = JSON.stringify(block.content ?? '').length;
        return { ...block, content: `[trimmed: ${size} chars of old output; run the command again if you need it]` };
      }
      if (block.type === 'tool_use') {
        const input = trimInput(block.input);
        if (input !== block.input) {
          trimmed++;
          return { ...block, input };
        }
      }
      return block;
    });
    return { ...message, content };
  });
  return { messages: out, trimmed };
}

function isTrimmed(content: unknown): boolean {
  return typeof content === 'string' && content.startsWith('[trimmed');
}

function trimInput(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === 'string' && value.length > LONG_INPUT_CHARS) {
      copy[key] = `[trimmed: ${value.length} chars]`;
      changed = true;
    } else {
      copy[key] = value;
    }
  }
  return changed ? copy : input;
}
