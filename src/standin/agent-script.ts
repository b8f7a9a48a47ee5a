/**
 * A script that plays the model for evolve's own agent (src/agent): it decides a goal, plans, makes the given
 * edits with the editor tool, then reports. It is stateless — each answer follows from the conversation in the
 * request — so one stand-in can serve many candidates at once (the demo, the runner's tests).
 */
import type { JsonObject, MessagesRequest, Script } from './types.ts';
import { forcedTool, reply, text, toolUse } from './script.ts';
import { normalizeContent } from './validate.ts';

export interface AttemptPlay {
  goal: string;
  /** Files to write, one bash command per turn. */
  edits: { path: string; content: string }[];
  summary?: string;
}

/** Tool calls the agent's conversation holds so far, by name, in order. */
function calledTools(request: MessagesRequest): string[] {
  return request.messages
    .filter((m) => m.role === 'assistant')
    .flatMap((m) => (normalizeContent(m.content) ?? []).filter((b: JsonObject) => b.type === 'tool_use').map((b) => String(b.name)));
}

export function agentAttemptScript(play: AttemptPlay | ((request: MessagesRequest) => AttemptPlay)): Script {
  return (request) => {
    const p = typeof play === 'function' ? play(request) : play;
    const decision = { previous_goal_achieved: false, goal: p.goal, reason: 'chosen by the stand-in script' };
    const plan = { files: p.edits.map((e) => e.path), steps: p.edits.map((e) => `write ${e.path}`), verification: 'run the build and the tests' };
    const finish = { summary: p.summary ?? `Wrote ${p.edits.map((e) => e.path).join(', ')} for: ${p.goal}`, changed_files: p.edits.map((e) => e.path), goal_met: true };
    const forced = forcedTool(request);
    if (forced === 'decide_goal') return reply(toolUse('decide_goal', decision));
    if (forced === 'write_plan') return reply(toolUse('write_plan', plan));
    if (forced === 'finish') return reply(toolUse('finish', finish));
    const called = calledTools(request);
    if (!called.includes('decide_goal')) return reply(text('The goal is clear.'), toolUse('decide_goal', decision));
    if (!called.includes('write_plan')) return reply(toolUse('write_plan', plan));
    const done = called.slice(called.lastIndexOf('write_plan') + 1).filter((n) => n === 'bash').length;
    const edit = p.edits[done];
    if (!edit) return reply(text('The changes are made.'), toolUse('finish', finish));
    const quoted = edit.content.replace(/'/g, `'\\''`);
    return reply(toolUse('bash', { command: `mkdir -p "$(dirname '${edit.path}')" && printf '%s' '${quoted}' > '${edit.path}'` }));
  };
}
