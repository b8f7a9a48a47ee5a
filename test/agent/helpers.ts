/** Shared pieces for the agent's tests: a model on the stand-in, collected progress lines, a tiny toolbox. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../src/agent/selfcheck.ts';
import Anthropic from '@anthropic-ai/sdk';
import { createModel, type Model } from '../../src/agent/model.ts';
import { progressTo, type Progress } from '../../src/agent/progress.ts';
import { parseProgressLine, type ProgressLine } from '../../src/agent/protocol.ts';
import type { Toolbox, ToolResult } from '../../src/agent/toolbox.ts';
import { ANSWER_TOOLS } from '../../src/agent/answers.ts';

export function collectProgress(): { progress: Progress; lines: ProgressLine[] } {
  const lines: ProgressLine[] = [];
  const progress = progressTo((line) => {
    const parsed = parseProgressLine(line.trimEnd());
    if (!parsed) throw new Error(`invalid progress line: ${line}`);
    lines.push(parsed);
  });
  return { progress, lines };
}

/** A toolbox with the real tool names that records calls and answers from `answer` (default: "ok"). */
export function tinyToolbox(answer: (name: string, input: unknown) => ToolResult = () => ({ content: 'ok', isError: false })) {
  const calls: { name: string; input: unknown }[] = [];
  const toolbox: Toolbox = {
    definitions: [
      { type: 'bash_20250124', name: 'bash' },
      { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
    ],
    async run(name, input) {
      calls.push({ name, input });
      return answer(name, input);
    },
  };
  return { toolbox, calls };
}

export function modelOn(url: string, progress: Progress, toolbox: Toolbox, extra: { maxRetries?: number; deadline?: Date; timeoutMs?: number } = {}): Model {
  return createModel({
    client: new Anthropic({ baseURL: url, apiKey: 'candidate-token', maxRetries: extra.maxRetries ?? 0, timeout: extra.timeoutMs ?? 10_000 }),
    model: 'claude-sonnet-5',
    system: 'You are a test agent.',
    tools: [...toolbox.definitions, ...ANSWER_TOOLS.map((t) => t.definition)],
    maxTokens: 4096,
    progress,
    deadline: extra.deadline,
    idleTimeoutMs: extra.timeoutMs ?? 10_000,
    reserveMs: 0,
  });
}

/** Real enough tools for workflow tests: bash runs in a shell in `cwd`, the editor views and creates files. */
export function shellToolbox(cwd: string): Toolbox {
  return {
    definitions: tinyToolbox().toolbox.definitions,
    async run(name, input) {
      const args = input as { command?: string; path?: string; file_text?: string };
      if (name === 'bash') {
        if (typeof args.command !== 'string') return { content: 'command is required', isError: true };
        const outcome = await runCommand(args.command, cwd, 10_000);
        return { content: outcome.output, isError: !outcome.ok };
      }
      const path = join(cwd, String(args.path));
      if (args.command === 'view') return readFile(path, 'utf8').then((content) => ({ content, isError: false }), (e: Error) => ({ content: e.message, isError: true }));
      if (args.command === 'create') return writeFile(path, String(args.file_text)).then(() => ({ content: `created ${args.path}`, isError: false }));
      return { content: `unsupported ${String(args.command)}`, isError: true };
    },
  };
}
