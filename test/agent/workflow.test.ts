import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAttempt, type AttemptSettings } from '../../src/agent/workflow.ts';
import { turnShares } from '../../src/agent/steps.ts';
import {
  agentAttemptScript, answerForced, budgetExhausted, forcedTool, inOrder, reply, startStandin, text, toolUse, type Script, type Standin,
} from '../../src/standin/index.ts';
import { collectProgress, modelOn, shellToolbox } from './helpers.ts';

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function attempt(script: Script, settings: Partial<AttemptSettings> = {}, setup?: (dir: string) => Promise<void>) {
  const workspace = await mkdtemp(join(tmpdir(), 'evolve-attempt-'));
  await setup?.(workspace);
  standin = await startStandin({ script });
  const { progress, lines } = collectProgress();
  const toolbox = shellToolbox(workspace);
  const result = await runAttempt(
    { workspace, seedGoal: 'greet the world', buildCommand: '', testCommand: 'test -f hello.txt', maxTurns: 20, checkTimeoutMs: 10_000, trim: { thresholdTokens: 50_000, keepRecent: 8 }, ...settings },
    { model: modelOn(standin.url, progress, toolbox), toolbox, progress },
  );
  const raw = await readFile(join(workspace, 'agent_context.json'), 'utf8');
  const context = (() => { try { return JSON.parse(raw); } catch { return undefined; } })();
  return { workspace, result, context, raw, lines };
}

describe('an attempt', () => {
  it('decides, plans, changes the files, checks them and records every step', async () => {
    const { workspace, result, context, lines } = await attempt(agentAttemptScript({ goal: 'Add hello.txt with a greeting', edits: [{ path: 'hello.txt', content: 'hello world\n' }] }));
    expect(await readFile(join(workspace, 'hello.txt'), 'utf8')).toBe('hello world\n');
    expect(result).toMatchObject({ success: true, goal: 'Add hello.txt with a greeting', plan: expect.stringContaining('hello.txt') });
    expect(context.goalState).toBe('Add hello.txt with a greeting');
    expect(context.history.map((e: { action: string; result: string }) => `${e.action}:${e.result}`)).toEqual([
      'goal_decision:success', 'plan:success', 'self_check:success', 'modification:success',
    ]);
    expect(lines.filter((l) => l.type === 'phase').map((l) => l.type === 'phase' && l.name)).toEqual([
      'read_context', 'decide_goal', 'plan', 'modify', 'self_check', 'report',
    ]);
    // The goal is said as soon as it is chosen, with the plan phase, not only in the result line at the end.
    expect(lines.find((l) => l.type === 'phase' && l.name === 'plan')).toMatchObject({ goal: 'Add hello.txt with a greeting' });
  });

  it('fixes what the self-check finds, then reports', async () => {
    const forced = { decide_goal: { previous_goal_achieved: true, goal: 'Write hello.txt properly', reason: 'missing' }, write_plan: { files: ['hello.txt'], steps: ['write it'], verification: 'test' }, finish: { summary: 'fixed the greeting', changed_files: ['hello.txt'], goal_met: true } };
    const { result, context, lines } = await attempt(answerForced(forced, inOrder(
      reply(text('seen enough')), // decide: stops → forced decide_goal
      reply(text('ready')), // plan: stops → forced write_plan
      reply(toolUse('bash', { command: 'echo wrong > greeting.txt' })),
      reply(text('done')), // self-check fails: no hello.txt
      (request) => {
        expect(JSON.stringify(request.messages.at(-1))).toContain('The self-check failed');
        return reply(toolUse('bash', { command: 'echo hi > hello.txt' }));
      },
      reply(text('fixed')),
    )));
    expect(result.success).toBe(true);
    expect(lines.filter((l) => l.type === 'phase').map((l) => l.type === 'phase' && l.name)).toContain('fix');
    expect(context.history.find((e: { action: string }) => e.action === 'goal_decision').details).toMatch(/^Previous goal achieved/);
  });

  it('a corrupt context is a clear failure and the file is left byte for byte', async () => {
    const corrupt = '{"goalState": "half a file';
    const { result, raw } = await attempt(() => reply(text('never asked')), {}, (dir) => writeFile(join(dir, 'agent_context.json'), corrupt));
    expect(result).toEqual({ success: false, summary: expect.stringMatching(/agent_context.json is not valid JSON/), goal: '' });
    expect(raw).toBe(corrupt);
    expect(standin!.requests).toHaveLength(0);
  });

  it('budget exhausted mid-attempt ends cleanly with the attempt recorded', async () => {
    const { result, context } = await attempt(inOrder(
      reply(toolUse('decide_goal', { previous_goal_achieved: false, goal: 'Write hello.txt please', reason: 'r' })),
      budgetExhausted(),
    ));
    expect(result).toMatchObject({ success: false, summary: expect.stringMatching(/^budget exhausted/), goal: 'Write hello.txt please' });
    expect(context.history.map((e: { action: string }) => e.action)).toEqual(['goal_decision', 'attempt_ended']);
    expect(context.history[1].details).toMatch(/budget exhausted.*Reached: goal decision/);
  });

  it('stops a model that never stops calling tools at the turn cap, then reports', async () => {
    const script: Script = (request) => {
      const forced = forcedTool(request);
      if (forced === 'decide_goal') return reply(toolUse(forced, { previous_goal_achieved: false, goal: 'Loop forever on purpose', reason: 'test' }));
      if (forced === 'write_plan') return reply(toolUse(forced, { files: ['x'], steps: ['y'], verification: 'z' }));
      if (forced === 'finish') return reply(toolUse(forced, { summary: 'ran out of turns', changed_files: [], goal_met: false }));
      return reply(toolUse('bash', { command: 'ls' }));
    };
    const { result } = await attempt(script, { maxTurns: 10 });
    expect(result).toMatchObject({ success: false, summary: expect.stringContaining('ran out of turns') });
    const free = standin!.requests.filter((r) => !(r.body as { tool_choice?: unknown }).tool_choice);
    expect(free).toHaveLength(10);
    expect(standin!.requests.length).toBeLessThanOrEqual(10 + 3);
  });
});

describe('a long attempt', () => {
  it('trims old tool output past the threshold and every request stays valid', async () => {
    const forced = {
      decide_goal: { previous_goal_achieved: false, goal: 'Write hello.txt after reading a lot', reason: 'test' },
      write_plan: { files: ['hello.txt'], steps: ['read, then write'], verification: 'test -f hello.txt' },
      finish: { summary: 'read and wrote', changed_files: ['hello.txt'], goal_met: true },
    };
    const reads = Array.from({ length: 15 }, (_, i) => reply(toolUse('bash', { command: `seq 1 400 | sed 's/^/line ${i} /'` })));
    const script = answerForced(forced, inOrder(
      reply(text('enough')), reply(text('planned')), ...reads,
      reply(toolUse('bash', { command: 'echo hi > hello.txt' })), reply(toolUse('finish', forced.finish)),
    ));
    const { result } = await attempt(script, { maxTurns: 30, trim: { thresholdTokens: 8_000, keepRecent: 6 } });
    expect(result.success).toBe(true);
    expect(standin!.requests.every((r) => r.status === 200)).toBe(true);
    const last = JSON.stringify(standin!.requests.at(-1)!.body);
    expect(last).toContain('[trimmed:');
    expect(last.length).toBeLessThan(JSON.stringify(standin!.requests.at(-3)!.body).length * 2);
  });
});

describe('turn shares', () => {
  it('keeps most turns for the work', () => {
    expect(turnShares(40)).toEqual({ decide: 8, plan: 4 });
    expect(turnShares(3)).toEqual({ decide: 1, plan: 1 });
  });
});
