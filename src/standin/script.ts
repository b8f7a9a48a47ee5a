/** Helpers for writing stand-in scripts: blocks, answers, errors, and small combinators. */
import type { ApiErrorSpec, JsonObject, MessagesRequest, ReplyBlock, Script, ScriptAnswer, StopReason, TextBlock, ToolUseBlock } from './types.ts';
import { errorTypeFor } from './server.ts';
import { normalizeContent } from './validate.ts';

let toolUseCounter = 0;

export function text(value: string): TextBlock {
  return { type: 'text', text: value };
}

/** A tool_use block; ids are deterministic within a process (toolu_standin_000001, ...). */
export function toolUse(name: string, input: unknown, id?: string): ToolUseBlock {
  return { type: 'tool_use', id: id ?? `toolu_standin_${String(++toolUseCounter).padStart(6, '0')}`, name, input };
}

/** An answer made of blocks; stop_reason follows from them unless given. */
export function reply(...blocks: ReplyBlock[]): ScriptAnswer {
  return { content: blocks };
}

export function replyWith(stopReason: StopReason, ...blocks: ReplyBlock[]): ScriptAnswer {
  return { content: blocks, stop_reason: stopReason };
}

/** An HTTP error with the real body; the type follows from the status unless given. */
export function apiError(status: number, message = `stand-in ${status}`, extra: Partial<ApiErrorSpec> = {}): ScriptAnswer {
  return { error: { status, type: errorTypeFor(status), message, ...extra } };
}

export const rateLimited = (retryAfterMs = 10): ScriptAnswer => apiError(429, 'Number of request tokens has exceeded your per-minute rate limit', { retryAfterMs });
export const overloaded = (): ScriptAnswer => apiError(529, 'Overloaded');
export const serverError = (): ScriptAnswer => apiError(500, 'Internal server error');
/** What the runner's proxy answers when a candidate's budget is spent. */
export const budgetExhausted = (): ScriptAnswer => apiError(402, 'budget exhausted: this candidate has spent its budget');

/** Answers in order; past the end, every request gets a 500 saying the script ran out (a test bug, loudly). */
export function sequence(...steps: (ScriptAnswer | Script)[]): Script {
  return (request, ctx) => {
    const step = steps[ctx.index];
    if (step === undefined) return apiError(500, `stand-in script exhausted after ${steps.length} answers`);
    return typeof step === 'function' ? step(request, ctx) : step;
  };
}

/** Answers in order of this script's own calls (unlike `sequence`, which follows the server's request index). */
export function inOrder(...steps: (ScriptAnswer | Script)[]): Script {
  let next = 0;
  return (request, ctx) => {
    const step = steps[next++];
    if (step === undefined) return apiError(500, `stand-in script exhausted after ${steps.length} answers`);
    return typeof step === 'function' ? step(request, ctx) : step;
  };
}

/** The name of the tool a request forces with tool_choice {type:'tool'}, if any. */
export function forcedTool(request: MessagesRequest): string | undefined {
  return request.tool_choice?.type === 'tool' ? request.tool_choice.name : undefined;
}

/**
 * Answers forced tool calls from a table (tool name → input, or a function of the request), and everything else
 * with `otherwise`. This is how a script gives structured answers.
 */
export function answerForced(
  table: Record<string, unknown | ((request: MessagesRequest) => unknown)>, otherwise: Script,
): Script {
  return (request, ctx) => {
    const name = forcedTool(request);
    if (name !== undefined && name in table) {
      const entry = table[name];
      return reply(toolUse(name, typeof entry === 'function' ? (entry as (r: MessagesRequest) => unknown)(request) : entry));
    }
    return otherwise(request, ctx);
  };
}

/** The tool_result blocks of the request's last user message (what the tools answered last turn). */
export function lastToolResults(request: MessagesRequest): { tool_use_id: string; content: string; is_error: boolean }[] {
  const last = request.messages.at(-1);
  if (!last || last.role !== 'user') return [];
  return (normalizeContent(last.content) ?? [])
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({ tool_use_id: String(b.tool_use_id), content: resultText(b.content), is_error: b.is_error === true }));
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as JsonObject[]).map((b) => (b.type === 'text' ? String(b.text) : '')).join('');
}

/** The text of the request's last user message (its text blocks joined). */
export function lastUserText(request: MessagesRequest): string {
  const last = request.messages.at(-1);
  if (!last || last.role !== 'user') return '';
  return (normalizeContent(last.content) ?? []).map((b) => (b.type === 'text' ? String(b.text) : '')).join('\n');
}
