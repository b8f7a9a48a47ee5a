/**
 * The steps of an attempt, each a function of the conversation so far: decide the goal, plan, modify (with the
 * self-check and fixes), report. They ask the model and return what it answered; recording is the workflow's job.
 */
import { DECIDE_GOAL, FINISH, WRITE_PLAN, type Finish, type GoalDecision, type Plan } from './answers.ts';
import { historyDigest } from './context.ts';
import type { AgentContext } from './protocol.ts';
import { answerPhase, forceAnswer, runPhase, type Conversation } from './loop.ts';
import type { Progress } from './progress.ts';
import { prompt } from './prompts.ts';
import type { CheckResult } from './selfcheck.ts';
import { readOnly, type Toolbox } from './toolbox.ts';
import { findStubMarkers, type StubMarker } from '../tools/stubs.ts';

export interface StepDeps {
  conversation: Conversation;
  toolbox: Toolbox;
  progress: Progress;
}

/** Free model turns left for the attempt; each step spends from it. */
export class TurnBudget {
  constructor(public left: number) {}

  spend(turns: number): void {
    this.left = Math.max(0, this.left - turns);
  }
}

/** Turn caps of the exploring steps, so that most turns go to the work. */
export function turnShares(maxTurns: number): { decide: number; plan: number } {
  return { decide: Math.max(1, Math.floor(maxTurns * 0.2)), plan: Math.max(1, Math.floor(maxTurns * 0.1)) };
}

export interface GoalInputs {
  context: AgentContext;
  seedGoal: string;
  workspace: string;
}

export async function decideGoal(deps: StepDeps, inputs: GoalInputs, turns: TurnBudget, cap: number): Promise<GoalDecision> {
  const { context, seedGoal, workspace } = inputs;
  deps.progress.phase('decide_goal');
  deps.conversation.say(prompt('decide', {
    workspace,
    goalState: context.goalState || '(none yet)',
    direction: seedGoal ? `Direction given by whoever started the run: ${seedGoal}\n` : '',
    history: historyDigest(context),
    stubs: stubList(await findStubMarkers(workspace)),
    turns: turns.left,
  }));
  const { value, turns: used } = await answerPhase(deps.conversation,
    { toolbox: readOnly(deps.toolbox), progress: deps.progress, maxTurns: Math.min(cap, turns.left), answer: DECIDE_GOAL },
    'Call decide_goal now with your decision.');
  turns.spend(used);
  return value;
}

/** The stub markers in the code, for the goal step: unfinished work an earlier attempt left (empty when none). */
export function stubList(markers: readonly StubMarker[]): string {
  if (markers.length === 0) return '';
  const lines = markers.map((m) => `- ${m.file}:${m.line}: ${m.text}`);
  return `\nUnfinished work in the code (stub markers, the first ${markers.length}${markers.length >= 20 ? ' shown' : ''}):\n${lines.join('\n')}\n`;
}

export async function makePlan(deps: StepDeps, goal: string, turns: TurnBudget, cap: number): Promise<Plan> {
  deps.progress.phase('plan', goal);
  deps.conversation.say(prompt('plan', { goal }));
  const { value, turns: used } = await answerPhase(deps.conversation,
    { toolbox: readOnly(deps.toolbox), progress: deps.progress, maxTurns: Math.min(cap, turns.left), answer: WRITE_PLAN },
    'Call write_plan now with your plan.');
  turns.spend(used);
  return value;
}

export interface ModifyOptions {
  turns: TurnBudget;
  /** How the model is told to check its work, e.g. "`npm run build` then `npm test`". */
  checksHint: string;
  /** Runs the build and tests; called after the changes and after each fix. */
  check: () => Promise<CheckResult>;
  maxFixRounds?: number;
}

/**
 * The tool loop with every tool, then the self-check; a failed check goes back to the model to fix while turns
 * remain. Returns the last check and, if the model called `finish` after the last change, its report.
 */
export async function modify(deps: StepDeps, options: ModifyOptions): Promise<{ check: CheckResult; finish?: Finish }> {
  deps.progress.phase('modify');
  deps.conversation.say(prompt('modify', { turns: options.turns.left, checks: options.checksHint }));
  let previous: CheckResult | undefined;
  for (let round = 0; ; round++) {
    const end = await runPhase(deps.conversation, { toolbox: deps.toolbox, progress: deps.progress, maxTurns: options.turns.left, answer: FINISH });
    options.turns.spend(end.turns);
    // A fix round in which the model touched nothing cannot change the outcome: it gave up.
    if (previous && end.toolCalls === 0) return { check: previous, finish: end.kind === 'answered' ? end.value : undefined };
    deps.progress.phase('self_check');
    const check = await options.check();
    previous = check;
    if (check.ok || options.turns.left === 0 || round >= (options.maxFixRounds ?? 3)) {
      return { check, finish: end.kind === 'answered' ? end.value : undefined };
    }
    deps.progress.phase('fix');
    deps.conversation.say(prompt('fix', { report: check.report, turns: options.turns.left }));
  }
}

/** The final structured report, forced unless the model already gave it after its last change. */
export async function report(deps: StepDeps, check: CheckResult, turnLimitReached: boolean, given?: Finish): Promise<Finish> {
  deps.progress.phase('report');
  if (given && check.ok) return given;
  return forceAnswer(deps.conversation, FINISH, prompt('finish', {
    why: turnLimitReached ? ' (turn limit reached)' : '',
    check: check.ok ? 'passed' : `FAILED`,
  }));
}
