/**
 * What the proxy accepts from a candidate: the request body parsed once (zod), the policy that keeps a call inside
 * the trust boundary and the price table, and the conservative size of its prompt.
 */
import { z } from 'zod';

export const MessagesBody = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.unknown()).min(1),
  stream: z.boolean().optional(),
  tools: z.array(z.looseObject({ type: z.string().optional() })).optional(),
});
export type MessagesBody = z.infer<typeof MessagesBody>;

export const CountTokensBody = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.unknown()).min(1),
  tools: z.array(z.looseObject({ type: z.string().optional() })).optional(),
});
export type CountTokensBody = z.infer<typeof CountTokensBody>;

export type Parsed<T> = { ok: true; body: T } | { ok: false; message: string };

/** Marks a body that is not JSON (kept apart from any value a body can hold, `null` included). */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/** The body parsed, once per call: everything downstream reads this value, never the bytes again. */
export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

export function parseBody<T>(schema: z.ZodType<T>, json: unknown): Parsed<T> {
  if (json === NOT_JSON) return { ok: false, message: 'request body is not valid JSON' };
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, body: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
}

/** Tools the client runs itself; server tools (web search, web fetch, code execution, MCP) are refused. */
const CLIENT_TOOL = /^(custom|(bash|text_editor|str_replace_editor|str_replace_based_edit_tool|computer|memory)_\d+)$/;

/**
 * Why the proxy will not forward this call, or null. The jail has no network and the budget counts tokens: features
 * that make the API reach the network for the candidate (URL and file sources, server tools, MCP servers,
 * containers) or that bill outside the price table (PDF pages, price-changing options) are refused.
 */
export function policyViolation(body: { tools?: { type?: string }[] } & Record<string, unknown>): string | null {
  for (const tool of body.tools ?? []) {
    if (tool.type !== undefined && !CLIENT_TOOL.test(tool.type)) {
      return `tool type "${tool.type}" runs on the API's side (network access, billed outside tokens); ` +
        'the evolve proxy allows only client tools';
    }
  }
  if (body.mcp_servers !== undefined) return 'mcp_servers would let the API reach the network; refused by the evolve proxy';
  if (body.container !== undefined) return 'containers (code execution, skills) are refused by the evolve proxy';
  if (body.inference_geo !== undefined && body.inference_geo !== 'global') {
    return 'inference_geo changes the price of a call; refused by the evolve proxy';
  }
  if (body.speed !== undefined && body.speed !== 'standard') {
    return 'speed changes the price of a call; refused by the evolve proxy';
  }
  return findBadSource([body.system, body.messages], 0);
}

function findBadSource(value: unknown, depth: number): string | null {
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findBadSource(item, depth + 1);
      if (found) return found;
    }
    return null;
  }
  const record = value as Record<string, unknown>;
  const source = record.source as Record<string, unknown> | undefined;
  if (source && typeof source === 'object' && !Array.isArray(source)) {
    if (source.type === 'url' || source.type === 'file') {
      return `a ${String(source.type)} source makes the API fetch content for the candidate; send it inline (base64 or text)`;
    }
    if (source.media_type === 'application/pdf') {
      return 'PDF documents are refused: their token cost cannot be bounded before the call';
    }
  }
  for (const child of Object.values(record)) {
    const found = findBadSource(child, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Tokens an image may cost at most, whatever its bytes (the API resizes large images). */
const IMAGE_TOKENS = 5_000;
/** The prompt the API adds around tools and the conversation's framing. */
const PROMPT_OVERHEAD_TOKENS = 2_000;

/**
 * An upper bound on the prompt's tokens. A token covers at least one byte of text and JSON escaping only adds
 * bytes, so body bytes × 1 bounds any text; `tokensPerByte` below 1 trades that guarantee for headroom.
 */
export function promptTokenBound(raw: Buffer, tokensPerByte: number, json: unknown = parseJson(raw)): number {
  const text = raw.toString('latin1');
  const images = Math.max((text.match(/"type"\s*:\s*"image"/g) ?? []).length, countObjects(json, (o) => o.type === 'image'));
  return Math.ceil(raw.length * tokensPerByte) + images * IMAGE_TOKENS + PROMPT_OVERHEAD_TOKENS;
}

/** True when the body asks for 1-hour cache writes (billed at 2 × input). */
export function usesOneHourCache(raw: Buffer, json: unknown = parseJson(raw)): boolean {
  return /"ttl"\s*:\s*"1h"/.test(raw.toString('latin1')) || countObjects(json, (o) => o.ttl === '1h') > 0;
}

/**
 * How many objects anywhere in the JSON body satisfy `test`. The API reads the parsed JSON, so a candidate can spell
 * a key or value with escapes (`"ttl":"\u0031h"`) that a pattern over the raw bytes would miss.
 */
function countObjects(root: unknown, test: (o: Record<string, unknown>) => boolean): number {
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      stack.push(...value);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (test(record)) n++;
    for (const child of Object.values(record)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return n;
}

const DROPPED_BETAS = /^(context-1m|files-api|mcp-client|code-execution|web-fetch|skills)/;

/**
 * The anthropic-beta header to forward: betas that would reach the network for the candidate or bill long
 * prompts at other rates are dropped (the request then runs under the standard terms).
 */
export function forwardedBetas(header: string | string[] | undefined): string | undefined {
  const all = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  const kept = all.filter((b) => !DROPPED_BETAS.test(b));
  return kept.length > 0 ? kept.join(',') : undefined;
}
