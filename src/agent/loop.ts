/**
 * The tool loop: ask the model, run the tools it calls, send back the results, until it answers, stops, or runs
 * out of turns. One Conversation spans the whole attempt (goal, plan, changes, fixes), so the model keeps what it
 * read and every turn re-reads the same cached prefix.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { parseAnswer, type AnswerTool } from './answers.ts';
import { trimOldToolOutput, type TrimOptions, type Turn } from './economy.ts';
import type { Model } from './model.ts';
import { NoValidAnswer } from './outcomes.ts';
import type { Progress } from './progress.ts';
import { describeCall, type Toolbox } from './toolbox.ts';

type Block = Anthropic.ContentBlockParam;

export class Conversation {
  readonly messages: Turn[] = [];
  /** The next user message, built up from tool results and instructions until the next call. */
  private pending: Block[] = [];

  constructor(private readonly model: Model, private readonly trim: TrimOptions) {}

  say(text: string): void {
    this.pending.push({ type: 'text', text });
  }

  reply(result: Anthropic.ToolResultBlockParam): void {
    this.pending.push(result);
  }

  /** One model turn. If the call fails, the conversation is as it was before (the user message still pending). */
  async ask(toolChoice?: Anthropic.ToolChoice): Promise<Anthropic.Message> {
    this.messages.push({ role: 'user', content: this.pending });
    const sent = this.pending;
    this.pending = [];
    const trimmed = trimOldToolOutput(this.messages, this.trim);
    if (trimmed.trimmed > 0) this.messages.splice(0, this.messages.length, ...trimmed.messages);
    let message: Anthropic.Message;
    try {
      message = await this.model.call(this.messages, toolChoice);
    } catch (err) {
      this.messages.pop();
      this.pending = sent;
      throw err;
    }
    this.messages.push({ role: 'assistant', content: asParams(message.content) });
    return message;
  }
}

/** The assistant's answer as it goes back in the history; empty text blocks are refused by the API. */
function asParams(content: Anthropic.ContentBlock[]): Block[] {
  const blocks: Block[] = [];
  for (const block of content) {
    if (block.type === 'text' && block.text.trim() !== '') blocks.push({ type: 'text', text: block.text });
    if (block.type === 'tool_use') blocks.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input ?? {} });
  }
  return blocks.length > 0 ? blocks : [{ type: 'text', text: '(no answer)' }];
}

/** How a phase ended; `toolCalls` counts the toolbox calls it made (0: the model changed nothing). */
export type PhaseEnd<T> = (
  | { kind: 'answered'; value: T }
  | { kind: 'stopped'; text: string }
  | { kind: 'out_of_turns' }
) & { turns: number; toolCalls: number };

export interface PhaseOptions<T> {
  toolbox: Toolbox;
  progress: Progress;
  maxTurns: number;
  /** The tool whose valid call ends the phase. */
  answer?: AnswerTool<T>;
}

export async function runPhase<T>(conversation: Conversation, options: PhaseOptions<T>): Promise<PhaseEnd<T>> {
  let toolCalls = 0;
  for (let turn = 1; turn <= options.maxTurns; turn++) {
    const message = await conversation.ask();
    const uses = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    if (uses.length === 0) {
      if (message.stop_reason !== 'max_tokens') return { kind: 'stopped', text: textOf(message), turns: turn, toolCalls };
      conversation.say('Your answer was cut at the output limit. Continue in smaller steps.');
      continue;
    }
    let answer: { value: T } | undefined;
    for (const use of uses) {
      if (options.answer && use.name === options.answer.name) {
        const parsed = parseAnswer(options.answer, use.input);
        conversation.reply(resultBlock(use.id, parsed.ok ? 'Recorded.' : `Invalid answer: ${parsed.problems}`, !parsed.ok));
        if (parsed.ok) answer = { value: parsed.value };
      } else {
        conversation.reply(await runTool(use, options));
        toolCalls++;
      }
    }
    if (answer) return { kind: 'answered', value: answer.value, turns: turn, toolCalls };
  }
  return { kind: 'out_of_turns', turns: options.maxTurns, toolCalls };
}

async function runTool(use: Anthropic.ToolUseBlock, options: { toolbox: Toolbox; progress: Progress }): Promise<Anthropic.ToolResultBlockParam> {
  const started = Date.now();
  const known = options.toolbox.definitions.some((d) => d.name === use.name);
  const result = known
    ? await options.toolbox.run(use.name, use.input)
    : { content: `'${use.name}' is not available in this step. Available now: ${options.toolbox.definitions.map((d) => d.name).join(', ')}.`, isError: true };
  const firstLine = result.isError ? ` → ${result.content.split('\n')[0]}` : '';
  options.progress.toolCall(use.name, !result.isError, describeCall(use.name, use.input) + firstLine, Date.now() - started);
  return resultBlock(use.id, result.content, result.isError);
}

function resultBlock(id: string, content: string, isError: boolean): Anthropic.ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: id, content: content === '' ? '(no output)' : content, ...(isError ? { is_error: true } : {}) };
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('\n').trim();
}

/**
 * Forces the answer tool with tool_choice; a bad answer is sent back with its problems and asked once more.
 * Any other tool the model calls alongside is answered as not run, to keep every tool_use paired.
 */
export async function forceAnswer<T>(conversation: Conversation, tool: AnswerTool<T>, instruction: string): Promise<T> {
  conversation.say(instruction);
  let problems = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const message = await conversation.ask({ type: 'tool', name: tool.name });
    let value: { v: T } | undefined;
    problems = '';
    for (const use of message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')) {
      if (use.name !== tool.name || value) {
        conversation.reply(resultBlock(use.id, `Not run: answer with ${tool.name} now.`, true));
        continue;
      }
      const parsed = parseAnswer(tool, use.input);
      conversation.reply(resultBlock(use.id, parsed.ok ? 'Recorded.' : `Invalid answer: ${parsed.problems}`, !parsed.ok));
      if (parsed.ok) value = { v: parsed.value };
      else problems = parsed.problems;
    }
    if (value) return value.v;
    if (problems === '') problems = `no ${tool.name} call in the answer`;
    conversation.say(`Call ${tool.name} again with valid input (problems: ${problems}).`);
  }
  throw new NoValidAnswer(`no valid ${tool.name} answer after a retry: ${problems}`);
}

/** Ask for an answer by letting the model explore first; force it if the phase ends without one. */
export async function answerPhase<T>(conversation: Conversation, options: PhaseOptions<T> & { answer: AnswerTool<T> }, forceInstruction: string): Promise<{ value: T; turns: number }> {
  const end = await runPhase(conversation, options);
  if (end.kind === 'answered') return { value: end.value, turns: end.turns };
  return { value: await forceAnswer(conversation, options.answer, forceInstruction), turns: end.turns };
}
