import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entry } from '../../src/agent/context.ts';
import { Conversation } from '../../src/agent/loop.ts';
import { decideGoal, makePlan, modify, report, TurnBudget } from '../../src/agent/steps.ts';
import {
  answerForced, forcedTool, inOrder, lastToolResults, lastUserText, reply, startStandin, text, toolUse, type Script, type Standin,
} from '../../src/standin/index.ts';
import { collectProgress, modelOn, tinyToolbox } from './helpers.ts';

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

const decision = { previous_goal_achieved: false, goal: 'Add input validation to parse()', reason: 'parse() crashes on empty input' };
const plan = { files: ['src/parse.ts'], steps: ['validate input'], verification: 'npm test' };
const finish = { summary: 'validated input', changed_files: ['src/parse.ts'], goal_met: true };

async function deps(script: Script) {
  standin = await startStandin({ script });
  const { progress, lines } = collectProgress();
  const { toolbox, calls } = tinyToolbox();
  const conversation = new Conversation(modelOn(standin.url, progress, toolbox), { thresholdTokens: 100_000, keepRecent: 8 });
  return { steps: { conversation, toolbox, progress }, calls, lines };
}

describe('decide goal', () => {
  it('shows the model the goal, the direction and the history with failures, lets it read but not write', async () => {
    const { steps, calls } = await deps(answerForced({ decide_goal: decision }, inOrder(
      (request) => {
        const prompt = lastUserText(request);
        expect(prompt).toContain('Repository root: /ws');
        expect(prompt).toContain('Current goalState: speed up parse()');
        expect(prompt).toContain('Direction given by whoever started the run: make it robust');
        expect(prompt).toContain('sibling [failure]: tried caching, tests broke');
        return reply(toolUse('bash', { command: 'cat src/parse.ts' }), toolUse('bash', { command: 'rm -rf src' }));
      },
      (request) => {
        expect(lastToolResults(request).map((r) => r.is_error)).toEqual([false, true]);
        return reply(text('I know enough.'));
      },
    )));
    const context = { goalState: 'speed up parse()', history: [entry('sibling', false, 'tried caching, tests broke')] };
    const turns = new TurnBudget(20);
    expect(await decideGoal(steps, { context, seedGoal: 'make it robust', workspace: '/ws' }, turns, 4)).toEqual(decision);
    expect(calls).toEqual([{ name: 'bash', input: { command: 'cat src/parse.ts' } }]);
    expect(turns.left).toBe(18);
    expect(forcedTool(standin!.requests.at(-1)!.body as never)).toBe('decide_goal');
  });

  it('is shown the stub markers in the code (file:line, the first 20) and asked to finish them first', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'evolve-stubs-'));
    const tag = 'TO' + 'DO';
    mkdirSync(path.join(workspace, 'src'));
    writeFileSync(path.join(workspace, 'src', 'a.ts'), `export const a = 1;\n// ${tag}: handle the empty case\n`);
    writeFileSync(path.join(workspace, 'src', 'b.ts'), Array.from({ length: 30 }, () => "throw new Error('not implemented');").join('\n'));
    writeFileSync(path.join(workspace, 'README.md'), `${tag}: docs are no code\n`);
    let seen = '';
    const { steps } = await deps(answerForced({ decide_goal: decision }, (request) => {
      seen = lastUserText(request);
      return reply(text('ok'));
    }));
    await decideGoal(steps, { context: { goalState: '', history: [] }, seedGoal: '', workspace }, new TurnBudget(20), 2);
    expect(seen).toContain(`- src/a.ts:2: // ${tag}: handle the empty case`);
    expect(seen).toContain('- src/b.ts:19:');
    expect(seen).not.toContain('src/b.ts:20:');
    expect(seen).not.toContain('README');
    expect(seen).toMatch(/finish it before you start anything new/);
  });

  it('is forced after its turn cap', async () => {
    const { steps } = await deps(answerForced({ decide_goal: decision }, () => reply(toolUse('bash', { command: 'ls' }))));
    const turns = new TurnBudget(20);
    await decideGoal(steps, { context: { goalState: '', history: [] }, seedGoal: '', workspace: '/ws' }, turns, 3);
    expect(turns.left).toBe(17);
    expect(standin!.requests).toHaveLength(4);
  });
});

describe('plan', () => {
  it('takes the plan the model gives voluntarily', async () => {
    const { steps } = await deps(() => reply(toolUse('write_plan', plan)));
    steps.conversation.say('context');
    expect(await makePlan(steps, 'the goal', new TurnBudget(5), 2)).toEqual(plan);
    expect(standin!.requests).toHaveLength(1);
  });
});

describe('modify', () => {
  it('fixes after a failed check, and stops after the allowed fix rounds', async () => {
    const { steps, lines } = await deps(() => reply(toolUse('bash', { command: 'make fix' }), toolUse('finish', finish)));
    steps.conversation.say('context');
    let checks = 0;
    const result = await modify(steps, {
      turns: new TurnBudget(10), checksHint: '`npm test`', maxFixRounds: 2,
      check: async () => ({ ok: false, report: `failure ${++checks}` }),
    });
    expect(result).toEqual({ check: { ok: false, report: 'failure 3' }, finish });
    expect(lines.filter((l) => l.type === 'phase').map((l) => l.type === 'phase' && l.name)).toEqual(['modify', 'self_check', 'fix', 'self_check', 'fix', 'self_check']);
    expect(lastUserText(standin!.requests.at(-1)!.body as never)).toContain('failure 2');
  });

  it('does not check again when the model gives up on a fix without touching anything', async () => {
    const { steps } = await deps(inOrder(reply(toolUse('bash', { command: 'touch a' })), reply(text('done')), reply(text('I cannot fix this.'))));
    steps.conversation.say('context');
    let checks = 0;
    const result = await modify(steps, { turns: new TurnBudget(10), checksHint: '', check: async () => ({ ok: false, report: `failure ${++checks}` }) });
    expect(result.check.report).toBe('failure 1');
    expect(checks).toBe(1);
  });

  it('returns the finish the model gave with its last change', async () => {
    const { steps } = await deps(inOrder(reply(toolUse('bash', { command: 'touch a' })), reply(toolUse('finish', finish))));
    steps.conversation.say('context');
    const result = await modify(steps, { turns: new TurnBudget(10), checksHint: '', check: async () => ({ ok: true, report: 'passed' }) });
    expect(result.finish).toEqual(finish);
  });
});

describe('report', () => {
  it('uses a given finish when the check passed, and forces a fresh one otherwise', async () => {
    const { steps } = await deps((request) => {
      expect(forcedTool(request)).toBe('finish');
      expect(lastUserText(request)).toMatch(/turn limit reached.*Self-check: FAILED/s);
      return reply(toolUse('finish', { ...finish, goal_met: false }));
    });
    expect(await report(steps, { ok: true, report: '' }, false, finish)).toEqual(finish);
    expect(standin!.requests).toHaveLength(0);
    steps.conversation.say('context');
    expect(await report(steps, { ok: false, report: 'x' }, true, finish)).toMatchObject({ goal_met: false });
  });
});
