import { statSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { runProcessSync } from '../process/sync.ts';

/** A commit as the store records it; anything else (say `--output=…` from a hand-edited row) never reaches git. */
const COMMIT = /^[0-9a-f]{4,64}$/i;

/**
 * The environment git runs with: the user's, minus every GIT_* variable (which could point git at another
 * repository, config or external diff program), with the system config ignored and prompts off.
 */
export function hardenedGitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!key.startsWith('GIT_')) clean[key] = value;
  return { ...clean, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
}

/** The arguments of the candidate diff: no hooks, no fsmonitor, no external diff or textconv programs. */
export function candidateDiffArgs(from: string, to: string): string[] {
  return [
    '-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false',
    'diff', '--no-ext-diff', '--no-textconv', '--no-color', from, to, '--', '.', ':(exclude)agent_context.json',
  ];
}

/** `git diff <from> <to>` in the target repository, excluding agent_context.json (contract 2). */
export function candidateDiff(target: string, from: string, to: string): string {
  for (const commit of [from, to]) {
    if (!COMMIT.test(commit)) throw new UsageError(`recorded commit ${JSON.stringify(commit)} is not a commit id`);
  }
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`the run's target ${target} is not a directory any more: cannot diff`);
  const result = runProcessSync('git', candidateDiffArgs(from, to), { cwd: target, env: hardenedGitEnv(), maxOutputBytes: 512 * 1024 * 1024 });
  if (result.error) throw new UsageError(`cannot run git: ${result.error}`);
  if (result.truncated) throw new UsageError(`git diff ${from.slice(0, 12)} ${to.slice(0, 12)} is over 512 MiB: read it with git itself`);
  if (result.exitCode !== 0) {
    const reason = result.stderr.trim().split('\n')[0] || `exit code ${String(result.exitCode)}`;
    throw new UsageError(`git diff ${from.slice(0, 12)} ${to.slice(0, 12)} failed in ${target}: ${reason}`);
  }
  return result.stdout;
}
