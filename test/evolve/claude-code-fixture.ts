/**
 * The real Claude Code CLI for the tests: test/fixtures/claude-code holds a package.json and lockfile pinning it;
 * `npm ci` installs it there once (the lockfile's hash is kept beside node_modules, so a changed pin reinstalls),
 * and a stand-in script plays the model for it with Claude Code's own tools.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reply, text, toolUse, type MessagesRequest, type ScriptAnswer } from '../../src/standin/index.ts';
import { ROOT } from './helpers.ts';

export const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'claude-code');
export const CLAUDE_BIN_DIR = path.join(FIXTURE, 'node_modules', '.bin');

/** Installs the pinned Claude Code with `npm ci` unless the same lockfile is installed already. */
export function installClaudeCode(): string {
  const lock = readFileSync(path.join(FIXTURE, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(FIXTURE, 'node_modules', '.evolve-lock-hash');
  const installed = existsSync(path.join(CLAUDE_BIN_DIR, 'claude')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
  if (!installed) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: FIXTURE, stdio: 'inherit', timeout: 600_000 });
    writeFileSync(stamp, hash);
  }
  return execFileSync(path.join(CLAUDE_BIN_DIR, 'claude'), ['--version'], { encoding: 'utf8' }).trim();
}

function textOf(content: MessagesRequest['messages'][number]['content']): string {
  return typeof content === 'string' ? content : content.map((b) => (typeof b.text === 'string' ? b.text : '')).join('\n');
}

/** The working directory Claude Code states in its system prompt (its Write tool wants absolute paths). */
export function workingDirectory(request: MessagesRequest): string {
  const system = typeof request.system === 'string' ? request.system : (request.system ?? []).map((b) => String(b.text ?? '')).join('\n');
  const dir = /Primary working directory: (\S+)/.exec(system)?.[1];
  if (!dir) throw new Error('no working directory in the system prompt');
  return dir;
}

export interface ClaudePlay {
  /** Files to write with Claude Code's Write tool, one per turn (paths relative to its working directory). */
  files: Record<string, string>;
  /** Bash commands to run afterwards, one per turn. */
  commands: string[];
  /** Subagents (Explore) to start at once in the first turn: calls of one candidate in flight together. */
  subagents?: number;
  goal: string;
  delayMs?: number;
}

/**
 * A stand-in script playing the model for Claude Code: the main conversation (the one with the Write tool) starts
 * the subagents, writes the files, runs the commands and ends with `Goal: …`; a subagent answers at once; any side
 * call (no tools) gets a short text.
 */
export function claudeScript(play: ClaudePlay) {
  return (request: MessagesRequest): ScriptAnswer => {
    const delayMs = play.delayMs ?? 0;
    const first = textOf(request.messages[0].content);
    if (first.includes('SUBAGENT')) return { ...reply(text('Nothing else to report.')), delayMs };
    if (!(request.tools ?? []).some((t) => t.name === 'Write')) return { ...reply(text('ok')), delayMs };
    const turns = [
      ...(play.subagents ? [() => reply(...Array.from({ length: play.subagents! }, (_, i) =>
        toolUse('Agent', { description: `look ${i + 1}`, prompt: `SUBAGENT ${i + 1}: list the files`, subagent_type: 'Explore' })))] : []),
      ...Object.entries(play.files).map(([file, content]) => () =>
        reply(toolUse('Write', { file_path: path.join(workingDirectory(request), file), content }))),
      ...play.commands.map((command) => () => reply(toolUse('Bash', { command, description: command }))),
    ];
    const done = request.messages.filter((m) => m.role === 'assistant').length;
    const turn = turns[done];
    if (turn) return { ...turn(), delayMs };
    return { ...reply(text(`Goal: ${play.goal}\nDone: wrote ${Object.keys(play.files).join(', ')} and ran the tests.`)), delayMs };
  };
}
