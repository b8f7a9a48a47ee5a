/**
 * The tools the model uses, behind one small interface so that the loop does not care what they are.
 * `readOnly` wraps a toolbox for the exploring phases (deciding a goal, planning): the definitions stay the same
 * (so the cached prompt prefix is shared by every phase) and writes are refused with a message the model reads.
 */
import type Anthropic from '@anthropic-ai/sdk';

/** Same shape as src/tools' ToolResult: tools never throw, failures come back as text the model can read. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

export interface Toolbox {
  definitions: ToolDefinition[];
  run(name: string, input: unknown): Promise<ToolResult>;
  close?(): void;
}

/** A tool definition the API accepts, with the name the model calls it by. */
export type ToolDefinition = Anthropic.ToolUnion & { name: string };

export const BASH = 'bash';
export const EDITOR = 'str_replace_based_edit_tool';

const READ_COMMANDS = new Set(['ls', 'cat', 'head', 'tail', 'grep', 'rg', 'find', 'wc', 'tree', 'pwd', 'echo', 'sort', 'uniq', 'cut', 'file', 'stat', 'du', 'sed', 'git', 'nl']);
const READ_GIT = new Set(['log', 'show', 'diff', 'status', 'ls-files', 'grep', 'blame', 'rev-parse']);

/**
 * True for a shell command that only reads: a pipeline of known reading commands, with no redirection,
 * sequencing, substitution or background job. Conservative on purpose: when in doubt, it is not read-only.
 */
export function isReadOnlyCommand(command: string): boolean {
  if (/[;&`<>\n]|\$\(/.test(command.replace(/\|\|/g, ';'))) return false;
  return command.split('|').every((segment) => {
    const words = segment.trim().split(/\s+/);
    const [program, ...args] = words;
    if (!program || !READ_COMMANDS.has(program)) return false;
    if (program === 'find') return !args.some((a) => /^-(exec|execdir|delete|ok|okdir|fprint|fprintf|fls)/.test(a));
    if (program === 'sed') return args.includes('-n') && !args.some((a) => /^-[a-zA-Z]*i|^--in-place/.test(a));
    if (program === 'git') return READ_GIT.has(args.find((a) => !a.startsWith('-')) ?? '');
    return true;
  });
}

export function readOnly(toolbox: Toolbox): Toolbox {
  return {
    definitions: toolbox.definitions,
    async run(name, input) {
      const args = (input ?? {}) as { command?: unknown; restart?: unknown };
      if (name === EDITOR && args.command !== 'view') {
        return { content: `Read-only phase: only the 'view' command of ${EDITOR} is available now. Changes come after the plan.`, isError: true };
      }
      if (name === BASH && args.restart !== true && !(typeof args.command === 'string' && isReadOnlyCommand(args.command))) {
        return {
          content: 'Read-only phase: only simple reading commands (ls, cat, head, tail, grep, find, wc, sed -n, git log/show/diff/status, pipes) run now. Changes come after the plan.',
          isError: true,
        };
      }
      return toolbox.run(name, input);
    },
    close: () => toolbox.close?.(),
  };
}

/** A short description of a call for progress lines: the command, or the editor action and path. */
export function describeCall(name: string, input: unknown): string {
  const args = (input ?? {}) as Record<string, unknown>;
  if (name === BASH) return typeof args.command === 'string' ? args.command : args.restart ? 'restart' : '(no command)';
  if (name === EDITOR) return `${String(args.command ?? '?')} ${String(args.path ?? '')}`.trim();
  return JSON.stringify(input).slice(0, 200);
}
