/**
 * Deterministic token counts and a simulation of prompt caching, close enough to the real API that a client's
 * caching strategy can be measured against it.
 *
 * The prompt is the sequence tools → system → messages, cut into blocks (one per tool, system block and message
 * content block). A block's tokens are ceil(chars / 4) of its JSON without cache_control. A request writes the
 * prefix ending at each of its cache_control breakpoints into the cache; it reads the longest cached prefix found at
 * a block boundary up to 20 blocks before one of its breakpoints (the real API's lookback). tool_choice and the model
 * are part of the key of message blocks, as in the real API (changing tool_choice invalidates the message cache).
 */
import { createHash } from 'node:crypto';
import type { JsonObject, MessagesRequest, Usage } from './types.ts';
import { normalizeContent } from './validate.ts';

const LOOKBACK_BLOCKS = 20;
/** What the API adds for tools it defines itself and for the tool-use system prompt (documented figures). */
const TOOL_TYPE_TOKENS: Record<string, number> = { bash_20250124: 245, text_editor_20250728: 700, text_editor_20250429: 700, text_editor_20250124: 700 };
const TOOL_USE_SYSTEM_TOKENS = 346;

export interface PromptBlock {
  tokens: number;
  /** Hash of the whole prefix ending with this block. */
  key: string;
  breakpoint: { ttlMs: number } | null;
}

export function tokensOf(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

function withoutCacheControl(block: JsonObject): JsonObject {
  const { cache_control: _drop, ...rest } = block;
  if (rest.type === 'tool_result' && Array.isArray(rest.content)) {
    rest.content = (rest.content as JsonObject[]).map(withoutCacheControl);
  }
  return rest;
}

function breakpointOf(block: JsonObject): PromptBlock['breakpoint'] {
  const cc = block.cache_control as { ttl?: string } | undefined | null;
  if (!cc) return null;
  return { ttlMs: cc.ttl === '1h' ? 3_600_000 : 300_000 };
}

/** The request as a sequence of blocks, each with its cumulative prefix key. */
export function promptBlocks(request: MessagesRequest): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  const hash = createHash('sha256').update(`model:${request.model}`);
  const push = (block: JsonObject, extraTokens = 0, salt = ''): void => {
    hash.update(salt + JSON.stringify(withoutCacheControl(block)));
    blocks.push({ tokens: tokensOf(withoutCacheControl(block)) + extraTokens, key: hash.copy().digest('hex'), breakpoint: breakpointOf(block) });
  };
  for (const [i, tool] of (request.tools ?? []).entries()) {
    const builtIn = TOOL_TYPE_TOKENS[String(tool.type)] ?? 0;
    push(tool, builtIn + (i === 0 ? TOOL_USE_SYSTEM_TOKENS : 0));
  }
  const system = typeof request.system === 'string' ? [{ type: 'text', text: request.system }] : (request.system ?? []);
  for (const block of system) push(block);
  const choice = JSON.stringify(request.tool_choice ?? { type: 'auto' });
  for (const [i, message] of request.messages.entries()) {
    for (const [j, block] of (normalizeContent(message.content) ?? []).entries()) {
      push(block, j === 0 ? 4 : 0, `${i === 0 && j === 0 ? `tool_choice:${choice}` : ''}${j === 0 ? `role:${message.role}` : ''}`);
    }
  }
  return blocks;
}

export function countInputTokens(request: MessagesRequest): number {
  return promptBlocks(request).reduce((sum, b) => sum + b.tokens, 0);
}

/** The cache of one stand-in server: prefix key → expiry. */
export class PromptCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly minTokens: number, private readonly now: () => number = Date.now) {}

  /** Usage of the input side of one request; records what it writes. */
  account(request: MessagesRequest): Omit<Usage, 'output_tokens'> {
    const blocks = promptBlocks(request);
    const cumulative: number[] = [];
    blocks.reduce((sum, b, i) => (cumulative[i] = sum + b.tokens), 0);
    const total = cumulative.at(-1) ?? 0;
    const breakpoints = blocks.flatMap((b, i) => (b.breakpoint ? [i] : []));
    const now = this.now();
    let readEnd = -1;
    for (const bp of breakpoints) {
      for (let j = bp; j >= Math.max(0, bp - LOOKBACK_BLOCKS + 1); j--) {
        const expiry = this.entries.get(blocks[j].key);
        if (expiry !== undefined && expiry > now) {
          readEnd = Math.max(readEnd, j);
          break;
        }
      }
    }
    const read = readEnd >= 0 ? cumulative[readEnd] : 0;
    const lastBreakpoint = breakpoints.at(-1) ?? -1;
    let written = 0;
    for (const bp of breakpoints) {
      if (cumulative[bp] < this.minTokens) continue;
      this.entries.set(blocks[bp].key, now + blocks[bp].breakpoint!.ttlMs);
    }
    if (readEnd >= 0) {
      const key = blocks[readEnd].key; // a hit refreshes the entry's lifetime
      this.entries.set(key, Math.max(this.entries.get(key) ?? 0, now + 300_000));
    }
    if (lastBreakpoint > readEnd && cumulative[lastBreakpoint] >= this.minTokens) written = cumulative[lastBreakpoint] - read;
    return { input_tokens: total - read - written, cache_read_input_tokens: read, cache_creation_input_tokens: written };
  }
}
