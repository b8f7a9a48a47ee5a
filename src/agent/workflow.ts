/**
 * One attempt, in the order of the seed agent it descends from: read the context → decide the goal → plan →
 * modify (tool loop, self-check, fixes) → report. Each step appends to agent_context.json as it happens, so an
 * attempt that ends early (budget, deadline, API failure) still leaves its record.
 */
import { planText, type Plan } from './answers.ts';
import { ContextCorrupt, entry, loadContext, saveContext } from './context.ts';
import type { AgentContext, HistoryEntry } from './protocol.ts';
import type { TrimOptions } from './economy.ts';
import { Conversation } from './loop.ts';
import type { Model } from './model.ts';
import { AttemptEnded } from './outcomes.ts';
import type { Progress } from './progress.ts';
import { selfCheck, type CheckResult } from './selfcheck.ts';
import { decideGoal, makePlan, modify, report, TurnBudget, turnShares } from './steps.ts';
import type { Toolbox } from './toolbox.ts';

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

export async function runAttempt(settings: AttemptSettings, deps: AttemptDeps): Promise<AttemptResult> {
  deps.progress.phase('read_context');
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

  const steps = { conversation: new Conversation(deps.model, settings.trim), toolbox: deps.toolbox, progress: deps.progress };
  const turns = new TurnBudget(settings.maxTurns);
  const shares = turnShares(settings.maxTurns);
  let goal = context.goalState;
  let plan: Plan | undefined;
  let lastCheck: CheckResult | undefined;
  try {
    const decision = await decideGoal(steps, { context, seedGoal: settings.seedGoal, workspace: settings.workspace }, turns, shares.decide);
    goal = decision.goal;
    context.goalState = goal;
    await record(entry('goal_decision', true,
      `${decision.previous_goal_achieved ? 'Previous goal achieved. ' : ''}Goal: ${goal}. Why: ${decision.reason}`,
      { previousGoalAchieved: decision.previous_goal_achieved }));

    plan = await makePlan(steps, goal, turns, shares.plan);
    await record(entry('plan', true, planText(plan)));

    const checksHint = [settings.buildCommand, settings.testCommand].filter(Boolean).map((c) => `\`${c}\``).join(' then ') || 'run what tests exist';
    const modified = await modify(steps, {
      turns, checksHint,
      check: async () => {
        lastCheck = await runChecks(settings, deps.progress);
        await record(entry('self_check', lastCheck.ok, lastCheck.report.slice(0, 4000)));
        return lastCheck;
      },
    });

    const finish = await report(steps, modified.check, turns.left === 0, modified.finish);
    const success = modified.check.ok && finish.goal_met;
    await record(entry('modification', success, finish.summary, { changedFiles: finish.changed_files, goalMet: finish.goal_met }));
    return { success, summary: `${finish.summary}\nSelf-check: ${modified.check.ok ? 'passed' : 'failed'}.`, goal, plan: planText(plan) };
  } catch (err) {
    if (!(err instanceof AttemptEnded)) throw err;
    const reached = lastCheck ? `self-check (${lastCheck.ok ? 'passed' : 'failed'})` : plan ? 'modification' : 'goal decision';
    await record(entry('attempt_ended', false, `${err.message}. Reached: ${reached}.`));
    return { success: false, summary: err.message, goal, plan: plan && planText(plan) };
  }
}

function runChecks(settings: AttemptSettings, progress: Progress): Promise<CheckResult> {
  const untilDeadline = (settings.deadline?.getTime() ?? Infinity) - Date.now() - 2000;
  return selfCheck({
    commands: [{ name: 'build', command: settings.buildCommand }, { name: 'test', command: settings.testCommand }],
    cwd: settings.workspace,
    timeoutMs: Math.max(1000, Math.min(settings.checkTimeoutMs, untilDeadline)),
    onResult: (name, outcome, ms) => progress.toolCall(`self_check:${name}`, outcome.ok, outcome.ok ? 'passed' : `failed (exit ${outcome.exitCode})`, ms),
  });
}
