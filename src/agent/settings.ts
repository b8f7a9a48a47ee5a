/** The agent's inputs: contract 4's EVOLVE_* variables, plus a few knobs of its own, parsed once at the start. */
import { z } from 'zod';
import { AgentEnv } from './protocol.ts';
import type { AttemptSettings } from './workflow.ts';

/** The agent's own knobs (not part of contract 4): defaults suit a real run, tests make them small. */
const Tuning = z.object({
  /** Required and passed to the SDK explicitly, so that it never looks for credentials anywhere else. */
  ANTHROPIC_API_KEY: z.string().min(1, 'ANTHROPIC_API_KEY is required (the runner passes the candidate token)'),
  EVOLVE_API_MAX_RETRIES: z.coerce.number().int().nonnegative().default(4),
  EVOLVE_API_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  EVOLVE_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  EVOLVE_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  EVOLVE_TRIM_TOKENS: z.coerce.number().int().positive().default(60_000),
});

export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

export function readSettings(env: NodeJS.ProcessEnv, workspace: string) {
  const agent = AgentEnv.parse(env);
  const tuning = Tuning.parse(env);
  const attempt: AttemptSettings = {
    workspace,
    seedGoal: agent.EVOLVE_SEED_GOAL,
    buildCommand: agent.EVOLVE_BUILD_CMD,
    testCommand: agent.EVOLVE_TEST_CMD,
    maxTurns: agent.EVOLVE_MAX_TURNS,
    checkTimeoutMs: tuning.EVOLVE_CHECK_TIMEOUT_MS,
    deadline: agent.EVOLVE_DEADLINE ? new Date(agent.EVOLVE_DEADLINE) : undefined,
    trim: { thresholdTokens: tuning.EVOLVE_TRIM_TOKENS, keepRecent: 8 },
  };
  return { agent, tuning, attempt };
}

