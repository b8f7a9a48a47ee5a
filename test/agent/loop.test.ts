import { afterEach, describe, expect, it } from 'vitest';
import { DECIDE_GOAL, FINISH } from '../../src/agent/answers.ts';
import { Conversation, forceAnswer, runPhase } from '../../src/agent/loop.ts';
import { NoValidAnswer } from '../../src/agent/outcomes.ts';
import { forcedTool, lastToolResults, reply, sequence, startStandin, text, toolUse, type Script, type Standin } from '../../src/standin/index.ts';
import { collectProgress, modelOn, tinyToolbox } from './helpers.ts';

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

const trim = { thresholdTokens: 100_000, keepRecent: 8 };
const goodDecision = { previous_goal_achieved: false, goal: 'Add a --version flag to the CLI', reason: 'the CLI has none' };

async function setup(script: Script, toolAnswer?: Parameters<typeof tinyToolbox>[0]) {
  standin = await startStandin({ script });
  const { progress, lines } = collectProgress();
  const { toolbox, calls } = tinyToolbox(toolAnswer);
  const conversation = new Conversation(modelOn(standin.url, progress, toolbox), trim);
  return { conversation, toolbox, calls, lines, progress };
}

describe('the tool loop', () => {
  it('runs the tools the model calls and sends results back, until the answer tool', async () => {
    const { conversation, toolbox, calls, lines, progress } = await setup(sequence(
      reply(text('looking'), toolUse('bash', { command: 'ls' }), toolUse('str_replace_based_edit_tool', { command: 'view', path: 'a.ts' })),
      (request) => {
        expect(lastToolResults(request).map((r) => r.content)).toEqual(['ok', 'ok']);
        return reply(toolUse('decide_goal', goodDecision));
      },
    ));
    conversation.say('decide');
    const end = await runPhase(conversation, { toolbox, progress, maxTurns: 5, answer: DECIDE_GOAL });
    expect(end).toEqual({ kind: 'answered', value: goodDecision, turns: 2, toolCalls: 2 });
    expect(calls.map((c) => c.name)).toEqual(['bash', 'str_replace_based_edit_tool']);
    expect(lines.filter((l) => l.type === 'tool_call').map((l) => l.type === 'tool_call' && l.summary)).toEqual(['ls', 'view a.ts']);
    expect(lines.filter((l) => l.type === 'model_call')).toHaveLength(2);
  });

  it('stops when the model answers without a tool call', async () => {
    const { conversation, toolbox, progress } = await setup(() => reply(text('All done.')));
    conversation.say('go');
    expect(await runPhase(conversation, { toolbox, progress, maxTurns: 5 })).toEqual({ kind: 'stopped', text: 'All done.', turns: 1, toolCalls: 0 });
  });

  it('ends at the turn cap with a model that never stops calling tools', async () => {
    const { conversation, toolbox, calls, progress } = await setup(() => reply(toolUse('bash', { command: 'echo again' })));
    conversation.say('go');
    expect(await runPhase(conversation, { toolbox, progress, maxTurns: 7 })).toEqual({ kind: 'out_of_turns', turns: 7, toolCalls: 7 });
    expect(calls).toHaveLength(7);
    expect(standin!.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('a malformed tool input comes back as an error the model recovers from', async () => {
    const { conversation, toolbox, progress } = await setup(sequence(
      reply(toolUse('bash', { comand: 'ls' })),
      (request) => {
        const [result] = lastToolResults(request);
        expect(result.is_error).toBe(true);
        return reply(toolUse('bash', { command: 'ls' }));
      },
      reply(text('fine now')),
    ), (_name, input) => (typeof (input as { command?: unknown }).command === 'string'
      ? { content: 'a.ts', isError: false }
      : { content: 'bash: the command parameter is required', isError: true }));
    conversation.say('go');
    expect((await runPhase(conversation, { toolbox, progress, maxTurns: 5 })).kind).toBe('stopped');
  });

  it('a tool not offered in this step and an invalid answer are reported back, not thrown', async () => {
    const { conversation, toolbox, progress } = await setup(sequence(
      reply(toolUse('teleport', {}), toolUse('decide_goal', { goal: 'x' })),
      (request) => {
        const results = lastToolResults(request);
        expect(results[0].content).toMatch(/'teleport' is not available in this step/);
        expect(results[1].content).toMatch(/Invalid answer: .*previous_goal_achieved/);
        return reply(toolUse('decide_goal', goodDecision));
      },
    ));
    conversation.say('go');
    expect((await runPhase(conversation, { toolbox, progress, maxTurns: 5, answer: DECIDE_GOAL })).kind).toBe('answered');
  });

  it('continues after an answer cut at the output limit', async () => {
    const { conversation, toolbox, progress } = await setup(sequence(
      { content: [text('long '.repeat(10))], stop_reason: 'max_tokens' },
      reply(text('short')),
    ));
    conversation.say('go');
    expect(await runPhase(conversation, { toolbox, progress, maxTurns: 5 })).toMatchObject({ kind: 'stopped', text: 'short', turns: 2 });
  });
});

describe('forced structured answers', () => {
  it('forces the tool with tool_choice and retries once on a bad answer', async () => {
    const { conversation } = await setup(sequence(
      (request) => {
        expect(forcedTool(request)).toBe('finish');
        return reply(toolUse('finish', { summary: '' }));
      },
      (request) => {
        expect(forcedTool(request)).toBe('finish');
        expect(lastToolResults(request)[0]).toMatchObject({ is_error: true });
        return reply(toolUse('finish', { summary: 'did it', changed_files: ['a.ts'], goal_met: true }));
      },
    ));
    conversation.say('work was done');
    const value = await forceAnswer(conversation, FINISH, 'Call finish now.');
    expect(value).toEqual({ summary: 'did it', changed_files: ['a.ts'], goal_met: true });
  });

  it('gives up with a named outcome after the retry', async () => {
    const { conversation } = await setup(() => reply(toolUse('finish', { nonsense: true })));
    conversation.say('go');
    await expect(forceAnswer(conversation, FINISH, 'Call finish now.')).rejects.toBeInstanceOf(NoValidAnswer);
    expect(standin!.requests).toHaveLength(2);
  });

  it('a failed call leaves the conversation valid for the next one', async () => {
    const { conversation } = await setup(sequence(
      { error: { status: 500, type: 'api_error', message: 'flaky' } },
      reply(text('second try')),
    ));
    conversation.say('go');
    await expect(conversation.ask()).rejects.toThrow(/flaky/);
    expect(conversation.messages).toHaveLength(0);
    const message = await conversation.ask();
    expect(message.content[0]).toMatchObject({ text: 'second try' });
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });
});
