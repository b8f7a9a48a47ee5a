/**
 * Structured answers: each is a tool the model calls, with a zod schema that is both the tool's input_schema
 * (via z.toJSONSchema) and the validator of what comes back. Never parsed out of free text.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';

export interface AnswerTool<T> {
  name: string;
  schema: z.ZodType<T>;
  definition: Anthropic.Tool;
}

function answerTool<T>(name: string, description: string, schema: z.ZodType<T>): AnswerTool<T> {
  const { $schema: _drop, ...inputSchema } = z.toJSONSchema(schema) as Record<string, unknown>;
  return { name, schema, definition: { name, description, input_schema: inputSchema as Anthropic.Tool.InputSchema } };
}

export const GoalDecision = z.object({
  previous_goal_achieved: z.boolean().describe('Whether the current goalState is already achieved in the code.'),
  goal: z.string().min(10).max(2000).describe('The goal for this attempt: one concrete, verifiable change. Keep the current goal if it is not achieved and still worth it.'),
  reason: z.string().min(1).max(2000).describe('Why this goal, grounded in what you read in the code and in the history (including failed attempts).'),
});
export type GoalDecision = z.infer<typeof GoalDecision>;

export const Plan = z.object({
  files: z.array(z.string().min(1)).min(1).max(30).describe('The files to change or create, relative to the workspace.'),
  steps: z.array(z.string().min(1)).min(1).max(20).describe('The changes, in order, each concrete enough to carry out.'),
  verification: z.string().min(1).max(2000).describe('How to verify the change: the build, the tests to add or run, what to check.'),
});
export type Plan = z.infer<typeof Plan>;

export const Finish = z.object({
  summary: z.string().min(1).max(4000).describe('What was changed and why, in a few sentences a later agent can learn from.'),
  changed_files: z.array(z.string()).max(100).describe('Files changed or created.'),
  goal_met: z.boolean().describe('Whether the goal is met by the changes, as far as you verified.'),
});
export type Finish = z.infer<typeof Finish>;

export const DECIDE_GOAL = answerTool('decide_goal', 'Record the goal decision for this attempt.', GoalDecision);
export const WRITE_PLAN = answerTool('write_plan', 'Record the plan for this attempt.', Plan);
export const FINISH = answerTool('finish', 'Report the outcome of the modification, when the work is done or cannot go further.', Finish);

export const ANSWER_TOOLS = [DECIDE_GOAL, WRITE_PLAN, FINISH];

/** The answer, or the problems with it in words the model can act on. */
export function parseAnswer<T>(tool: AnswerTool<T>, input: unknown): { ok: true; value: T } | { ok: false; problems: string } {
  const parsed = tool.schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
  return { ok: false, problems };
}

export function planText(plan: Plan): string {
  return [
    `Files: ${plan.files.join(', ')}`,
    ...plan.steps.map((s, i) => `${i + 1}. ${s}`),
    `Verification: ${plan.verification}`,
  ].join('\n');
}
