/**
 * `--agent claude-code`: Anthropic's Claude Code CLI as the mutator, unchanged, in the candidate's jail. The runner
 * finds the installation (the target's node_modules/.bin, else the runner's PATH), binds its real files read-only
 * into the jail (which hides the host's HOME and /tmp, where ~/.local/bin and nvm installs live), and runs it
 * headless and unattended with the settings it needs there. See docs/agents.md.
 */
import { accessSync, closeSync, constants, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.ts';
import { runProcessSync } from '../../process/sync.ts';

export interface ClaudeInstall {
  /** The executable's real path (symlinks resolved): what runs in the jail. */
  executable: string;
  /**
   * What is bound read-only into the jail: the npm package's folder (or the executable alone), and for a JavaScript
   * CLI (`#!/usr/bin/env node`, older releases) the folder of the runner's node, which may live in a hidden HOME (nvm).
   */
  mounts: string[];
  /** Where it was found (the `claude` on PATH or in node_modules/.bin, before resolving links). */
  found: string;
  /** What `claude --version` printed. */
  version: string;
}

const PACKAGE = '@anthropic-ai/claude-code';

/** Where `claude` is looked for, in order: the target's own dependencies (a pinned version), then the runner's PATH. */
export function claudeCandidates(target: string, pathEnv = process.env.PATH ?? ''): string[] {
  const onPath = pathEnv.split(':').filter((d) => d && path.isAbsolute(d)).map((d) => path.join(d, 'claude'));
  return [path.join(target, 'node_modules', '.bin', 'claude'), ...onPath];
}

/** The installation the run will use, or a UsageError saying where it looked and how to get one. */
export function findClaudeCode(target: string, pathEnv = process.env.PATH ?? ''): ClaudeInstall {
  const found = claudeCandidates(target, pathEnv).find(isExecutable);
  if (!found) {
    throw new UsageError(`--agent claude-code: no "claude" in ${path.join(target, 'node_modules', '.bin')} or on PATH ` +
      `(install it in the target: npm install --save-dev ${PACKAGE}, or put claude on PATH)`);
  }
  const executable = realpathSync(found);
  const out = runProcessSync(executable, ['--version'], { timeoutMs: 30_000 });
  if (out.exitCode !== 0) {
    const why = out.error ?? (out.timedOut ? 'no answer to --version within 30 s' : out.stderr.trim().split('\n').pop() || `exit code ${String(out.exitCode ?? out.signal)}`);
    throw new UsageError(`--agent claude-code: ${found} does not run here (${why.slice(0, 200)})`);
  }
  const version = out.stdout.trim().split('\n')[0];
  const mounts = [packageDir(executable) ?? executable, ...(isScript(executable) ? [path.dirname(process.execPath)] : [])];
  return { executable, mounts, found, version };
}

function isScript(file: string): boolean {
  const head = Buffer.alloc(2);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, head, 0, 2, 0);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return head.toString('latin1') === '#!';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The npm package folder holding the executable (its bin/ and files beside it), if it came from npm. */
function packageDir(executable: string): string | null {
  let dir = path.dirname(executable);
  for (let i = 0; i < 4 && dir !== path.dirname(dir); i++, dir = path.dirname(dir)) {
    try {
      const name = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
      if (name === PACKAGE) return dir;
    } catch {
      // no package.json here: look further up
    }
  }
  return null;
}

/**
 * Output tokens Claude Code may ask for per call (its CLAUDE_CODE_MAX_OUTPUT_TOKENS). Every call reserves its
 * max_tokens at the run model's output price: at Opus's default of 64,000 that is $1.60 of a $2 candidate cap.
 */
export const CLAUDE_MAX_OUTPUT_TOKENS = 32_000;

/** Tools refused to Claude Code: the jail has no network (and web search runs on the API's side, refused by the proxy). */
export const CLAUDE_DISALLOWED_TOOLS = ['WebFetch', 'WebSearch'];

export interface ClaudeRun { model: string; maxTurns: number; prompt: string }

/** The command line: print mode, no permission prompts (the jail is the boundary), the run's model and turns. */
export function claudeArgv(install: ClaudeInstall, run: ClaudeRun): string[] {
  return [
    install.executable, '-p', run.prompt,
    '--model', run.model,
    '--max-turns', String(run.maxTurns),
    '--dangerously-skip-permissions',
    `--disallowedTools=${CLAUDE_DISALLOWED_TOOLS.join(',')}`,
    '--output-format', 'stream-json', '--verbose',
  ];
}

/**
 * The environment evolve sets for it, besides ANTHROPIC_BASE_URL and the candidate token. Every model Claude Code
 * would pick by itself — the small fast model of its side calls, the haiku/sonnet/opus aliases its subagents name —
 * is the run's model, so no call is refused and every call is priced as the run's model.
 */
export function claudeEnv(model: string): Record<string, string> {
  return {
    // Claude Code refuses --dangerously-skip-permissions as root unless it is told it is in a sandbox (it is).
    IS_SANDBOX: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    ANTHROPIC_MODEL: model,
    ANTHROPIC_SMALL_FAST_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: model,
    CLAUDE_CODE_SUBAGENT_MODEL: model,
    CLAUDE_CODE_MAX_OUTPUT_TOKENS: String(CLAUDE_MAX_OUTPUT_TOKENS),
  };
}

const ResultLine = z.looseObject({
  type: z.literal('result'),
  subtype: z.string().optional(),
  is_error: z.boolean().optional(),
  num_turns: z.number().optional(),
  result: z.string().optional(),
  errors: z.array(z.string()).optional(),
});

export interface ClaudeSummary {
  goal: string | null;
  summary: string;
  turns: number | null;
  error: boolean;
  /** It stopped at --max-turns (`error_max_turns`, exit 1): a normal end, as the built-in agent's turn limit is. */
  turnLimit: boolean;
}

/**
 * What Claude Code said at the end (its stream-json `result` line, read from the output tail): the final message,
 * whose first line the prompt asks to be `Goal: …`. A description, never a claim of success: the judge decides.
 */
export function claudeSummary(output: string): ClaudeSummary | null {
  const lines = output.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line.startsWith('{"type":"result"')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return null;
    }
    const r = ResultLine.safeParse(parsed);
    if (!r.success) return null;
    const text = (r.data.result ?? r.data.errors?.join('; ') ?? '').trim();
    const goal = /^\s*(?:\*\*)?goal:?(?:\*\*)?:?\s*(.+)$/im.exec(text)?.[1]?.trim() ?? null;
    return {
      goal: goal ? goal.slice(0, 300) : null, summary: text.slice(0, 2000), turns: r.data.num_turns ?? null,
      error: r.data.is_error === true, turnLimit: r.data.subtype === 'error_max_turns',
    };
  }
  return null;
}
