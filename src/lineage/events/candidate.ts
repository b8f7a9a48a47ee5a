/** A child's attempt, as the runner records it: fork, agent start, its progress lines, its end, the commit. */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();
/** Who saw a tool call: the agent's own progress line, or the proxy reading its traffic. */
const source = z.enum(['agent', 'proxy']);

export const Forked = z.strictObject({
  parent_id: z.string(),
  branch: z.string(),
  base_commit: z.string(),
  /** Failed siblings of its parent added to its context. */
  lessons: count,
});

export const AgentStarted = z.strictObject({
  /** Where the command came from: package.json, built-in, flag, claude-code. */
  agent: z.string(),
  command: z.string(),
  start: z.enum(['bundled', 'cached', 'as-is']),
  bundle_ms: ms,
  deadline: z.string(),
  attempt: z.number().int().positive(),
  sandbox: z.enum(['bwrap', 'none']),
  /** Claude Code's version, with --agent claude-code. */
  version: z.string().optional(),
  /** The worker that ran it (a --queue run). */
  worker: z.string().optional(),
});

// `goal`: the goal chosen so far, when the agent said it with the phase (contract 4's optional field).
export const Phase = z.strictObject({ name: z.string(), goal: z.string().optional() });

export const ToolCall = z.strictObject({
  tool: z.string(),
  /** Null when the agent ended before the proxy saw the tool's result. */
  ok: z.boolean().nullable(),
  ms: ms.nullable(),
  summary: z.string(),
  source,
});

export const SandboxDenied = z.strictObject({
  tool: z.string(),
  what: z.string(),
  detail: z.string(),
  source,
});

export const AgentFinished = z.strictObject({
  ok: z.boolean(),
  reason: z.string().nullable(),
  goal: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  ms,
  /** It sent a result line. */
  claimed: z.boolean(),
  /** The agent's own claim; null without one. */
  success: z.boolean().nullable(),
  summary: z.string().nullable(),
  garbage_lines: count,
  /** Phase and tool_call lines past the ones recorded per attempt. */
  progress_dropped: count.optional(),
  /** The runner had to append the history entry. */
  context_by_runner: z.boolean(),
  output_tail: z.string().optional(),
});

export const Committed = z.strictObject({
  sha: z.string(),
  parent: z.string(),
  /** Files too big to commit, removed first. */
  pruned: z.array(z.string()).optional(),
});

export const DepsInstalled = z.strictObject({
  ok: z.boolean(),
  exit_code: z.number().int().nullable(),
  ms,
  node_modules: z.string().nullable(),
  /** Why the lockfile was not installed. */
  refused: z.string().optional(),
});
