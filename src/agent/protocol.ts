/**
 * What the agent and the runner share, defined once for both sides (dependency-free apart from zod):
 *  - contract 3: agent_context.json, the memory a lineage carries (the agent reads it strictly, the runner
 *    tolerantly, and only appends);
 *  - contract 4: the progress protocol (v1). The agent writes one JSON object per line on file descriptor
 *    EVOLVE_PROGRESS_FD (3); the runner parses each line with `parseProgressLine`.
 */
import { z } from 'zod';

/** The memory file in every workspace; never counted in a diff, never adopted. */
export const CONTEXT_FILE = 'agent_context.json';

/** One entry of agent_context.json's history; entries may carry more fields (the runner's `recordedBy`, ...). */
export const HistoryEntry = z.looseObject({
  timestamp: z.string(),
  action: z.string(),
  result: z.enum(['success', 'failure']),
  details: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const AgentContext = z.looseObject({
  goalState: z.string(),
  history: z.array(HistoryEntry),
});
export type AgentContext = z.infer<typeof AgentContext>;

const usage = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_input_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
}).passthrough();

export const ProgressLine = z.discriminatedUnion('type', [
  // `goal`: the goal as soon as it is chosen (optional), so the live view shows it while the agent works.
  z.object({ v: z.literal(1), type: z.literal('phase'), name: z.string().min(1).max(200), goal: z.string().min(1).max(5000).optional() }),
  z.object({ v: z.literal(1), type: z.literal('model_call'), usage }),
  z.object({
    v: z.literal(1), type: z.literal('tool_call'),
    tool: z.string().max(200), ok: z.boolean(), summary: z.string().max(2000), ms: z.number().nonnegative().optional(),
  }),
  z.object({
    v: z.literal(1), type: z.literal('result'),
    success: z.boolean(), summary: z.string().max(20_000), goal: z.string().max(5_000),
    plan: z.string().max(20_000).optional(),
  }),
]);
export type ProgressLine = z.infer<typeof ProgressLine>;

export const PROGRESS_FD = 3;

/** Parses one line; returns null for anything that is not a valid v1 object (the runner records it as garbage). */
export function parseProgressLine(line: string): ProgressLine | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = ProgressLine.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function formatProgressLine(line: ProgressLine): string {
  return JSON.stringify(line) + '\n';
}

/** A current, non-deprecated model (the SDK warns on deprecated ones); the runner's --model overrides it. */
export const DEFAULT_MODEL = 'claude-sonnet-5';

/** The EVOLVE_* inputs of contract 4, as the agent reads them. */
export const AgentEnv = z.object({
  EVOLVE_MODEL: z.string().min(1).default(DEFAULT_MODEL),
  EVOLVE_SEED_GOAL: z.string().default(''),
  EVOLVE_BUILD_CMD: z.string().default(''),
  EVOLVE_TEST_CMD: z.string().default(''),
  EVOLVE_MAX_TURNS: z.coerce.number().int().positive().default(40),
  EVOLVE_DEADLINE: z.string().datetime({ offset: true }).optional(),
  EVOLVE_PROGRESS_FD: z.coerce.number().int().nonnegative().default(PROGRESS_FD),
  EVOLVE_MAX_OUTPUT_TOKENS: z.coerce.number().int().positive().optional(),
});
export type AgentEnv = z.infer<typeof AgentEnv>;
