/**
 * The agent process (contract 4). Started by the runner in the candidate's workspace (cwd) with the EVOLVE_*
 * variables and a pipe on EVOLVE_PROGRESS_FD; talks to the model only through ANTHROPIC_BASE_URL with
 * ANTHROPIC_API_KEY (the SDK reads both). Exits 0 after its `result` line, whether the attempt succeeded or not;
 * any other exit is a crash.
 */
import { z } from 'zod';
import { ANSWER_TOOLS } from './answers.ts';
import { createClient, createModel } from './model.ts';
import { DEFAULT_MAX_OUTPUT_TOKENS, readSettings } from './settings.ts';
import { openProgress, ProgressFdError } from './progress.ts';
import { prompt } from './prompts.ts';
import { createToolbox } from './tools.ts';
import { runAttempt } from './workflow.ts';

async function main(): Promise<number> {
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(process.env, process.cwd());
  } catch (err) {
    const detail = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(err);
    process.stderr.write(`evolve agent: invalid environment: ${detail}\n`);
    return 2;
  }
  const { agent, tuning, attempt } = settings;
  const progress = openProgress(agent.EVOLVE_PROGRESS_FD);
  const toolbox = createToolbox(attempt.workspace, { commandTimeoutMs: tuning.EVOLVE_COMMAND_TIMEOUT_MS, maxCharacters: 20_000 });
  const model = createModel({
    client: createClient({ apiKey: tuning.ANTHROPIC_API_KEY, maxRetries: tuning.EVOLVE_API_MAX_RETRIES, timeoutMs: tuning.EVOLVE_API_TIMEOUT_MS }),
    model: agent.EVOLVE_MODEL,
    system: prompt('system'),
    tools: [...toolbox.definitions, ...ANSWER_TOOLS.map((t) => t.definition)],
    maxTokens: agent.EVOLVE_MAX_OUTPUT_TOKENS ?? DEFAULT_MAX_OUTPUT_TOKENS,
    progress,
    idleTimeoutMs: tuning.EVOLVE_API_TIMEOUT_MS,
    deadline: attempt.deadline,
  });
  try {
    const result = await runAttempt(attempt, { model, toolbox, progress });
    progress.result(result.success, result.summary, result.goal, result.plan);
    return 0;
  } finally {
    toolbox.close?.();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof ProgressFdError ? err.message : `crashed: ${(err as Error)?.stack ?? String(err)}`;
    process.stderr.write(`evolve agent: ${message}\n`);
    process.exit(err instanceof ProgressFdError ? 2 : 1);
  },
);
