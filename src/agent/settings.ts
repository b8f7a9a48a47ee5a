/** The agent's inputs: contract 4's EVOLVE_* variables, plus a few knobs of its own, parsed once at the start. */
import { z } from 'zod';
import { AgentEnv } from './protocol.ts';
import type { AttemptSettings } from './workflow.ts';

/** The agent's own knobs (not part of contract 4): defaults suit a real run, tests make them small. */
const Tuning = z.object({
  EVOLVE_API_MAX_RETRIES: z.coerce.number().int().nonnegative().default(4),
  EVOLVE_API_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  EVOLVE_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  EVOLVE_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  EVOLVE_TRIM_TOKENS: z.coerce.number().int().positive().default(60_000),
});

/** Required, and handed to the SDK explicitly so that it never looks for credentials anywhere else. */
const Credentials = z.object({
  ANTHROPIC_API_KEY: z.string().min(1, 'ANTHROPIC_API_KEY is required (the runner passes the candidate token)'),
});

const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

export interface Settings {
  progressFd: number;
  model: string;
  maxOutputTokens: number;
  apiKey: string;
  api: { maxRetries: number; timeoutMs: number };
  commandTimeoutMs: number;
  attempt: AttemptSettings;
}

/** Throws a ZodError naming each bad variable. */
export function readSettings(env: NodeJS.ProcessEnv, workspace: string): Settings {
  const agent = AgentEnv.parse(env);
  const tuning = Tuning.parse(env);
  const { ANTHROPIC_API_KEY } = Credentials.parse(env);
  return {
    progressFd: agent.EVOLVE_PROGRESS_FD,
    model: agent.EVOLVE_MODEL,
    maxOutputTokens: agent.EVOLVE_MAX_OUTPUT_TOKENS ?? DEFAULT_MAX_OUTPUT_TOKENS,
    apiKey: ANTHROPIC_API_KEY,
    api: { maxRetries: tuning.EVOLVE_API_MAX_RETRIES, timeoutMs: tuning.EVOLVE_API_TIMEOUT_MS },
    commandTimeoutMs: tuning.EVOLVE_COMMAND_TIMEOUT_MS,
    attempt: {
      workspace,
      seedGoal: agent.EVOLVE_SEED_GOAL,
      buildCommand: agent.EVOLVE_BUILD_CMD,
      testCommand: agent.EVOLVE_TEST_CMD,
      maxTurns: agent.EVOLVE_MAX_TURNS,
      checkTimeoutMs: tuning.EVOLVE_CHECK_TIMEOUT_MS,
      deadline: agent.EVOLVE_DEADLINE ? new Date(agent.EVOLVE_DEADLINE) : undefined,
      trim: { thresholdTokens: tuning.EVOLVE_TRIM_TOKENS, keepRecent: 8 },
    },
  };
}
