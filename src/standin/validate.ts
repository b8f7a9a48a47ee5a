/**
 * What the real Messages API refuses with 400 invalid_request_error, checked the same way here so that a client
 * that passes the stand-in does not fail on the real thing. Each check returns the first problem as a message.
 */
import type { JsonObject } from './types.ts';

export const MAX_CACHE_BREAKPOINTS = 4;

/** Anthropic-defined tool types and the name each must carry. */
const KNOWN_TOOL_TYPES: Record<string, string> = {
  bash_20250124: 'bash',
  text_editor_20250124: 'str_replace_editor',
  text_editor_20250429: 'str_replace_based_edit_tool',
  text_editor_20250728: 'str_replace_based_edit_tool',
};

const USER_BLOCKS = new Set(['text', 'image', 'document', 'tool_result', 'search_result']);
const ASSISTANT_BLOCKS = new Set(['text', 'tool_use', 'thinking', 'redacted_thinking']);

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns the reason the request is invalid, or null. `countOnly` is /v1/messages/count_tokens (no max_tokens). */
export function invalidReason(body: unknown, countOnly = false): string | null {
  if (!isObject(body)) return 'The request body is not a JSON object.';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!countOnly) {
    if (body.max_tokens === undefined) return 'max_tokens: Field required';
    if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) {
      return 'max_tokens: Input should be a positive integer';
    }
  }
  if (body.temperature !== undefined && !(typeof body.temperature === 'number' && body.temperature >= 0 && body.temperature <= 1)) {
    return 'temperature: Input should be between 0 and 1';
  }
  return checkSystem(body.system) ?? checkTools(body) ?? checkMessages(body.messages) ?? checkCacheControl(body);
}

function checkSystem(system: unknown): string | null {
  if (system === undefined || typeof system === 'string') return null;
  if (!Array.isArray(system)) return 'system: Input should be a valid string or list of text blocks';
  for (const [i, block] of system.entries()) {
    if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string') {
      return `system.${i}: Input should be a text block`;
    }
    if (block.text === '') return `system.${i}: text content blocks must be non-empty`;
  }
  return null;
}

function checkTools(body: JsonObject): string | null {
  const tools = body.tools;
  const names = new Set<string>();
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    for (const [i, tool] of tools.entries()) {
      if (!isObject(tool) || typeof tool.name !== 'string') return `tools.${i}.name: Field required`;
      if (!/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name)) return `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      if (names.has(tool.name)) return 'tools: Tool names must be unique.';
      names.add(tool.name);
      const type = tool.type;
      if (type === undefined || type === 'custom') {
        const schema = tool.input_schema;
        if (!isObject(schema)) return `tools.${i}.custom.input_schema: Field required`;
        if (schema.type !== 'object') return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
      } else if (typeof type === 'string' && type in KNOWN_TOOL_TYPES) {
        if (tool.name !== KNOWN_TOOL_TYPES[type]) return `tools.${i}.${type}.name: Input should be '${KNOWN_TOOL_TYPES[type]}'`;
      } else {
        return `tools.${i}: Input tag '${String(type)}' found using 'type' does not match any of the expected tags`;
      }
    }
  }
  const choice = body.tool_choice;
  if (choice === undefined) return null;
  if (!isObject(choice) || !['auto', 'any', 'tool', 'none'].includes(choice.type as string)) {
    return "tool_choice: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
  }
  if (choice.type !== 'auto' && choice.type !== 'none' && names.size === 0) {
    return 'tool_choice: tool_choice may only be specified while providing tools.';
  }
  if (choice.type === 'tool') {
    if (typeof choice.name !== 'string') return 'tool_choice.tool.name: Field required';
    if (!names.has(choice.name)) return `tool_choice: Tool '${choice.name}' not found in the provided tools.`;
  }
  return null;
}

function checkMessages(messages: unknown): string | null {
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  let previousToolUses: string[] = [];
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages.${i}: Input should be a valid dictionary`;
    const role = message.role;
    if (role !== 'user' && role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && role !== 'user') return 'messages: first message must use the "user" role';
    if (i > 0 && (messages[i - 1] as JsonObject).role === role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
    const blocks = normalizeContent(message.content);
    if (blocks === null) return `messages.${i}.content: Input should be a valid string or list of content blocks`;
    const isFinalAssistant = i === messages.length - 1 && role === 'assistant';
    if (blocks.length === 0 && !isFinalAssistant) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    const allowed = role === 'user' ? USER_BLOCKS : ASSISTANT_BLOCKS;
    for (const [j, block] of blocks.entries()) {
      if (!isObject(block) || typeof block.type !== 'string') return `messages.${i}.content.${j}: Input should be a content block`;
      if (!allowed.has(block.type)) return `messages.${i}.content.${j}: \`${block.type}\` blocks are not allowed in ${role} messages`;
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
        return `messages.${i}.content.${j}: text content blocks must be non-empty`;
      }
      if (block.type === 'tool_use') {
        if (typeof block.id !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(block.id)) return `messages.${i}.content.${j}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
        if (typeof block.name !== 'string') return `messages.${i}.content.${j}.name: Field required`;
        if (!isObject(block.input)) return `messages.${i}.content.${j}.input: Input should be a valid dictionary`;
      }
    }
    const pairing = checkPairing(i, role, blocks, previousToolUses);
    if (pairing) return pairing;
    previousToolUses = role === 'assistant' ? blocks.filter((b) => b.type === 'tool_use').map((b) => b.id as string) : [];
  }
  if (previousToolUses.length > 0) return missingResults(messages.length - 1, previousToolUses);
  return null;
}

/** Every tool_use needs its tool_result first thing in the next user message; every tool_result needs its tool_use. */
function checkPairing(i: number, role: string, blocks: JsonObject[], previousToolUses: string[]): string | null {
  const results = blocks.filter((b) => b.type === 'tool_result');
  if (role === 'user') {
    for (const [j, block] of blocks.entries()) {
      if (block.type !== 'tool_result') continue;
      if (typeof block.tool_use_id !== 'string' || !previousToolUses.includes(block.tool_use_id)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. ` +
          'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.';
      }
    }
    const firstNonResult = blocks.findIndex((b) => b.type !== 'tool_result');
    if (firstNonResult !== -1 && blocks.slice(firstNonResult).some((b) => b.type === 'tool_result')) {
      return `messages.${i}: \`tool_result\` blocks must come before any other content in a user message`;
    }
  }
  if (previousToolUses.length > 0) {
    const answered = new Set(results.map((b) => b.tool_use_id));
    const missing = previousToolUses.filter((id) => !answered.has(id));
    if (missing.length > 0) return missingResults(i - 1, missing);
  }
  return null;
}

function missingResults(index: number, ids: string[]): string {
  return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(', ')}. ` +
    'Each `tool_use` block must have a corresponding `tool_result` block in the next message.';
}

function checkCacheControl(body: JsonObject): string | null {
  const found = countCacheControl(body);
  return found > MAX_CACHE_BREAKPOINTS
    ? `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${found}.`
    : null;
}

/** Blocks carrying cache_control, wherever they sit: tools, system, message content, tool_result content. */
export function countCacheControl(body: JsonObject): number {
  let count = 0;
  const visit = (block: unknown): void => {
    if (!isObject(block)) return;
    if (block.cache_control != null) count++;
    if (block.type === 'tool_result' && Array.isArray(block.content)) block.content.forEach(visit);
  };
  (Array.isArray(body.tools) ? body.tools : []).forEach(visit);
  (Array.isArray(body.system) ? body.system : []).forEach(visit);
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (isObject(message) && Array.isArray(message.content)) message.content.forEach(visit);
  }
  return count;
}

/** A message's content as a list of blocks (a string is one text block); null if it is neither. */
export function normalizeContent(content: unknown): JsonObject[] | null {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as JsonObject[]) : null;
}

