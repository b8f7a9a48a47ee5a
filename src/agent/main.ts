/**
 * The agent process (contract 4). Started by the runner in the candidate's workspace (cwd) with the EVOLVE_*
 * variables and a pipe on EVOLVE_PROGRESS_FD; talks to the model only through ANTHROPIC_BASE_URL with
 * ANTHROPIC_API_KEY (the SDK reads both). Exits 0 after its `result` line, whether the attempt succeeded or not;
 * any other exit is a crash.
 */
import { z } from 'zod';
import { ANSWER_TOOLS } from './answers.ts';
import { createClient, createModel } from './model.ts';
import { readSettings, type Settings } from './settings.ts';
import { openProgress, ProgressFdError } from './progress.ts';
import { prompt } from './prompts.ts';
import { createToolbox } from './tools.ts';
import { runAttempt } from './workflow.ts';

async function main(): Promise<number> {
  let settings: Settings;
  try {
    settings = readSettings(process.env, process.cwd());
  } catch (err) {
    const detail = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(err);
    process.stderr.write(`evolve agent: invalid environment: ${detail}\n`);
    return 2;
  }
  const progress = openProgress(settings.progressFd);
  const toolbox = createToolbox(settings.attempt.workspace, { commandTimeoutMs: settings.commandTimeoutMs, maxCharacters: 20_000 });
  const model = createModel({
    client: createClient({ apiKey: settings.apiKey, ...settings.api }),
    model: settings.model,
    system: prompt('system'),
    tools: [...toolbox.definitions, ...ANSWER_TOOLS.map((t) => t.definition)],
    maxTokens: settings.maxOutputTokens,
    progress,
    idleTimeoutMs: settings.api.timeoutMs,
    deadline: settings.attempt.deadline,
  });
  try {
    const result = await runAttempt(settings.attempt, { model, toolbox, progress });
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
