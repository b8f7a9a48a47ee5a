/**
 * What any agent did, seen from the proxy: the tool_use blocks in the model's answers, matched with their
 * tool_result blocks in the candidate's next request (`is_error` says whether the tool failed). An agent CLI that
 * knows nothing of evolve's progress protocol (Claude Code) is thus seen working tool by tool, like the built-in
 * agent. What is recorded is what the agent sent the model — its own report of each tool's outcome, in the form the
 * model reads it — so it describes the work, never the verdict.
 */
import { sandboxDenial } from '../jail/denial.ts';

export interface SeenToolCall {
  tool: string;
  ok: boolean;
  /** From the answer that asked for the tool to the request that brought its result: the tool's time, and the agent's. */
  ms: number;
  /** What the tool was asked (a command, a path), short. */
  summary: string;
  /** Set when the result reads like a refusal of the jail (denial.ts). */
  denied: { what: string; detail: string } | null;
}

interface Pending { tool: string; summary: string; at: number }

/** Tool uses remembered per candidate at most; an agent that never answers its tool calls cannot grow the runner. */
const MAX_PENDING = 256;

export class ToolCallTracker {
  private readonly pending = new Map<string, Map<string, Pending>>();

  /** Remembers the tool_use blocks of an answer (a Message, JSON or reassembled from the stream). */
  answered(candidateId: string, message: Record<string, unknown> | null, now = Date.now()): void {
    const content = Array.isArray(message?.content) ? (message.content as unknown[]) : [];
    for (const block of content) {
      if (!isRecord(block) || block.type !== 'tool_use' || typeof block.id !== 'string') continue;
      let uses = this.pending.get(candidateId);
      if (!uses) this.pending.set(candidateId, (uses = new Map()));
      if (uses.size >= MAX_PENDING) uses.delete(uses.keys().next().value!);
      uses.set(block.id, { tool: typeof block.name === 'string' ? block.name.slice(0, 100) : '?', summary: summarise(block.input), at: now });
    }
  }

  /** The tool calls a request answers: each tool_result (in any of its messages) of a remembered tool_use. */
  resolved(candidateId: string, messages: readonly unknown[], now = Date.now()): SeenToolCall[] {
    const uses = this.pending.get(candidateId);
    if (!uses || uses.size === 0) return [];
    const seen: SeenToolCall[] = [];
    for (const message of messages) {
      if (!isRecord(message) || message.role !== 'user' || !Array.isArray(message.content)) continue;
      for (const block of message.content as unknown[]) {
        if (!isRecord(block) || block.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
        const use = uses.get(block.tool_use_id);
        if (!use) continue;
        uses.delete(block.tool_use_id);
        const ok = block.is_error !== true;
        const result = resultText(block.content);
        const what = sandboxDenial(ok, result);
        seen.push({ tool: use.tool, ok, ms: Math.max(0, now - use.at), summary: use.summary, denied: what ? { what, detail: result.slice(0, 500) } : null });
      }
    }
    return seen;
  }

  /** Forgets the candidate, returning the tool uses whose results never came back (its agent ended first). */
  drain(candidateId: string): { tool: string; summary: string }[] {
    const uses = [...(this.pending.get(candidateId)?.values() ?? [])];
    this.pending.delete(candidateId);
    return uses.map(({ tool, summary }) => ({ tool, summary }));
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The command, path or pattern a tool was given (Claude Code's and the built-in agent's field names), else its JSON. */
function summarise(input: unknown): string {
  if (isRecord(input)) {
    for (const key of ['command', 'file_path', 'path', 'pattern', 'url', 'description', 'prompt']) {
      if (typeof input[key] === 'string') return (input[key] as string).slice(0, 300);
    }
  }
  let json = '';
  try {
    json = JSON.stringify(input) ?? '';
  } catch {
    // unserialisable: no summary
  }
  return json.slice(0, 300);
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content.slice(0, 4000);
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('\n').slice(0, 4000);
}
