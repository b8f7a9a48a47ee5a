/**
 * One attempt, in the order of the seed agent it descends from: read the context → decide the goal → plan →
 * modify (tool loop) → self-check and fix → report. Every step appends to agent_context.json as it happens, so an
 * attempt that ends early (budget, deadline, API failure) still leaves its record.
 */
import { DECIDE_GOAL, FINISH, WRITE_PLAN, planText, type Finish, type GoalDecision, type Plan } from './answers.ts';
import { ContextCorrupt, entry, historyDigest, loadContext, saveContext, type AgentContext, type HistoryEntry } from './context.ts';
import type { TrimOptions } from './economy.ts';
import { answerPhase, Conversation, forceAnswer, runPhase } from './loop.ts';
import type { Model } from './model.ts';
import { AttemptEnded } from './outcomes.ts';
import type { Progress } from './progress.ts';
import { prompt } from './prompts.ts';
import { selfCheck, type CheckResult } from './selfcheck.ts';
import { readOnly, type Toolbox } from './toolbox.ts';

export interface AttemptSettings {
  workspace: string;
  seedGoal: string;
  buildCommand: string;
  testCommand: string;
  /** Free model turns for the whole attempt; forced structured answers (at most 2 each) come on top. */
  maxTurns: number;
  checkTimeoutMs: number;
  deadline?: Date;
  trim: TrimOptions;
}

export interface AttemptResult {
  success: boolean;
  summary: string;
  goal: string;
  plan?: string;
}

export interface AttemptDeps {
  model: Model;
  toolbox: Toolbox;
  progress: Progress;
}

/** Turn shares of the phases: exploring for the goal and the plan is capped so that most turns go to the work. */
export function turnShares(maxTurns: number): { decide: number; plan: number } {
  return { decide: Math.max(1, Math.floor(maxTurns * 0.2)), plan: Math.max(1, Math.floor(maxTurns * 0.1)) };
}

export async function runAttempt(settings: AttemptSettings, deps: AttemptDeps): Promise<AttemptResult> {
  const { progress } = deps;
  progress.phase('read_context');
  let context: AgentContext;
  try {
    context = await loadContext(settings.workspace, settings.seedGoal);
  } catch (err) {
    if (err instanceof ContextCorrupt) return { success: false, summary: err.message, goal: '' };
    throw err;
  }
  const record = async (e: HistoryEntry): Promise<void> => {
    context.history.push(e);
    await saveContext(settings.workspace, context);
  };

  const conversation = new Conversation(deps.model, settings.trim);
  const explore = { toolbox: readOnly(deps.toolbox), progress };
  let turnsLeft = settings.maxTurns;
  let goal = context.goalState;
  let plan: Plan | undefined;
  let check: CheckResult | undefined;
  let finish: Finish | undefined;
  let checkRecorded = false;
  try {
    progress.phase('decide_goal');
    const shares = turnShares(settings.maxTurns);
    conversation.say(prompt('decide', {
      goalState: context.goalState || '(none yet)',
      direction: settings.seedGoal ? `Direction given by whoever started the run: ${settings.seedGoal}\n` : '',
      history: historyDigest(context),
      turns: settings.maxTurns,
    }));
    const decided = await answerPhase(conversation, { ...explore, maxTurns: shares.decide, answer: DECIDE_GOAL },
      'Call decide_goal now with your decision.');
    turnsLeft -= decided.turns;
    const decision: GoalDecision = decided.value;
    goal = decision.goal;
    context.goalState = goal;
    await record(entry('goal_decision', true, `${decision.previous_goal_achieved ? 'Previous goal achieved. ' : ''}Goal: ${goal}. Why: ${decision.reason}`,
      { previousGoalAchieved: decision.previous_goal_achieved }));

    progress.phase('plan');
    conversation.say(prompt('plan', { goal }));
    const planned = await answerPhase(conversation, { ...explore, maxTurns: Math.min(shares.plan, turnsLeft), answer: WRITE_PLAN },
      'Call write_plan now with your plan.');
    turnsLeft -= planned.turns;
    plan = planned.value;
    await record(entry('plan', true, planText(plan)));

    progress.phase('modify');
    const checks = [settings.buildCommand, settings.testCommand].filter(Boolean).map((c) => `\`${c}\``).join(' then ') || 'run what tests exist';
    conversation.say(prompt('modify', { turns: turnsLeft, checks }));
    for (let round = 0; ; round++) {
      const end = await runPhase(conversation, { toolbox: deps.toolbox, progress, maxTurns: Math.max(0, turnsLeft), answer: FINISH });
      turnsLeft -= end.turns;
      if (end.kind === 'answered') finish = end.value;
      progress.phase('self_check');
      check = await runChecks(settings, progress);
      if (check.ok || turnsLeft <= 0 || round >= 3) break;
      finish = undefined; // a fix follows: the summary must be asked again
      progress.phase('fix');
      conversation.say(prompt('fix', { report: check.report, turns: turnsLeft }));
    }
    await record(entry('self_check', check.ok, check.report.slice(0, 4000)));
    checkRecorded = true;

    progress.phase('report');
    finish ??= await forceAnswer(conversation, FINISH, prompt('finish', {
      why: turnsLeft <= 0 ? ' (turn limit reached)' : '', check: check.ok ? 'passed' : 'FAILED',
    }));
    const success = check.ok && finish.goal_met;
    await record(entry('modification', success, finish.summary, { changedFiles: finish.changed_files, goalMet: finish.goal_met }));
    const summary = `${finish.summary}\nSelf-check: ${check.ok ? 'passed' : 'failed'}.`;
    return { success, summary, goal, plan: plan && planText(plan) };
  } catch (err) {
    if (!(err instanceof AttemptEnded)) throw err;
    if (check && !checkRecorded) await record(entry('self_check', check.ok, check.report.slice(0, 4000)));
    await record(entry('attempt_ended', false, `${err.message}. Reached: ${reached(plan, check, finish)}.`));
    return { success: false, summary: err.message, goal, plan: plan && planText(plan) };
  }
}

function reached(plan: Plan | undefined, check: CheckResult | undefined, finish: Finish | undefined): string {
  if (finish) return 'report';
  if (check) return `self-check (${check.ok ? 'passed' : 'failed'})`;
  return plan ? 'modification' : 'goal decision';
}

async function runChecks(settings: AttemptSettings, progress: Progress): Promise<CheckResult> {
  return selfCheck({
    commands: [{ name: 'build', command: settings.buildCommand }, { name: 'test', command: settings.testCommand }],
    cwd: settings.workspace,
    timeoutMs: Math.max(1000, Math.min(settings.checkTimeoutMs, (settings.deadline?.getTime() ?? Infinity) - Date.now() - 2000)),
    onResult: (name, outcome, ms) => progress.toolCall(`self_check:${name}`, outcome.ok, outcome.ok ? 'passed' : `failed (exit ${outcome.exitCode})`, ms),
  });
}
