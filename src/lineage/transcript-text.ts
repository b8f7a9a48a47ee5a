import type { Transcript } from './types.ts';

/**
 * Compact text of stored Messages API transcripts for `evolve show --transcript`: one line per content block
 * (role, text, tool calls and results), a usage line per response. Each request repeats the conversation so far,
 * so only the messages it adds to the previous request and response are printed. Transcripts are outside input
 * (whatever went over the wire), so every field is checked before use.
 */

const TEXT_MAX = 300;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function squeeze(text: string, max = TEXT_MAX): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}… (${one.length - max} more chars)` : one;
}

function blockText(block: unknown): string {
  if (typeof block === 'string') return squeeze(block);
  if (!isObj(block)) return squeeze(JSON.stringify(block) ?? '');
  switch (block.type) {
    case 'text':
      return squeeze(String(block.text ?? ''));
    case 'tool_use':
      return `tool_use ${String(block.name ?? '?')} ${squeeze(JSON.stringify(block.input ?? {}), 200)}`;
    case 'tool_result': {
      const content = Array.isArray(block.content) ? block.content.map(blockText).join(' ') : blockText(block.content ?? '');
      return `tool_result${block.is_error ? ' (error)' : ''} ${squeeze(content, 200)}`;
    }
    case 'thinking':
      return `thinking ${squeeze(String(block.thinking ?? ''), 200)}`;
    default:
      return String(block.type ?? 'block');
  }
}

function messageLines(message: unknown): string[] {
  if (!isObj(message)) return [`  ? ${squeeze(JSON.stringify(message) ?? '')}`];
  const role = String(message.role ?? '?');
  const content = message.content;
  const blocks = Array.isArray(content) ? content : [content ?? ''];
  return blocks.map((b) => `  ${role}: ${blockText(b)}`);
}

function systemText(system: unknown): string | null {
  if (typeof system === 'string') return system ? squeeze(system, 200) : null;
  if (Array.isArray(system)) return squeeze(system.map((b) => (isObj(b) ? String(b.text ?? '') : '')).join(' '), 200);
  return null;
}

function usageLine(response: Obj): string {
  const u = isObj(response.usage) ? response.usage : {};
  const stop = response.stop_reason ? `, stop ${String(response.stop_reason)}` : '';
  return `  usage: ${num(u.input_tokens)} in / ${num(u.output_tokens)} out, cache ${num(u.cache_read_input_tokens)} read / ` +
    `${num(u.cache_creation_input_tokens)} write${stop}`;
}

export function formatTranscripts(transcripts: readonly Transcript[]): string {
  if (transcripts.length === 0) return 'no transcripts recorded\n';
  const lines: string[] = [];
  let seen = 0; // messages of the conversation already printed (previous request + its response)
  let lastSystem: string | null = null;
  transcripts.forEach((t, i) => {
    const request = isObj(t.request) ? t.request : {};
    const messages = Array.isArray(request.messages) ? request.messages : [];
    lines.push(`transcript ${i + 1}/${transcripts.length}  ${t.at}  ${String(request.model ?? '')}`.trimEnd());
    const system = systemText(request.system);
    if (system !== null && system !== lastSystem) lines.push(`  system: ${system}`);
    lastSystem = system;
    // A shorter conversation than already seen means a new one started: print it whole.
    const from = messages.length >= seen ? seen : 0;
    for (const m of messages.slice(from)) lines.push(...messageLines(m));
    const response = t.response;
    if (response === null) {
      lines.push('  (no response recorded)');
      seen = messages.length;
    } else if (isObj(response) && response.type === 'error') {
      const error = isObj(response.error) ? response.error : {};
      lines.push(`  error: ${String(error.type ?? '?')} ${squeeze(String(error.message ?? ''), 200)}`);
      seen = messages.length;
    } else if (isObj(response)) {
      lines.push(...messageLines({ role: response.role ?? 'assistant', content: response.content ?? [] }));
      lines.push(usageLine(response));
      seen = messages.length + 1;
    } else {
      lines.push(`  response: ${squeeze(JSON.stringify(response) ?? '')}`);
      seen = messages.length;
    }
  });
  lines.push('');
  return lines.join('\n');
}
