/**
 * Progress lines (contract 4) on the runner's file descriptor, never stdout: tools print there. Writes are
 * synchronous so that a line is out before the process exits, whatever happens next.
 */
import { fstatSync, writeSync } from 'node:fs';
import { formatProgressLine, type ProgressLine } from './protocol.ts';

type Usage = Extract<ProgressLine, { type: 'model_call' }>['usage'];

export interface Progress {
  /** `goal`: the goal chosen so far, said once it is known (the runner shows it before the result line). */
  phase(name: string, goal?: string): void;
  modelCall(usage: Usage): void;
  toolCall(tool: string, ok: boolean, summary: string, ms: number): void;
  result(success: boolean, summary: string, goal: string, plan?: string): void;
}

export class ProgressFdError extends Error {}

/** Fails clearly when the descriptor is not open (the agent was started without the runner's pipe). */
export function openProgress(fd: number): Progress {
  // When the runner passes no descriptor, Node itself may hold that number (its event loop's epoll), so "open" is
  // not enough: it must be something lines can be written to.
  let usable = false;
  try {
    const stat = fstatSync(fd);
    usable = stat.isFIFO() || stat.isSocket() || stat.isFile() || stat.isCharacterDevice();
  } catch {
    usable = false;
  }
  if (!usable) throw new ProgressFdError(`progress descriptor ${fd} is not open: start the agent with a pipe on fd ${fd} (EVOLVE_PROGRESS_FD)`);
  return progressTo((line) => writeSync(fd, line));
}

/** A Progress that hands each formatted line to `write` (tests collect them). */
export function progressTo(write: (line: string) => void): Progress {
  const emit = (line: ProgressLine): void => write(formatProgressLine(line));
  const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  return {
    phase: (name, goal) => emit({ v: 1, type: 'phase', name, ...(goal ? { goal: clip(goal, 5000) } : {}) }),
    modelCall: (usage) => emit({ v: 1, type: 'model_call', usage }),
    toolCall: (tool, ok, summary, ms) => emit({ v: 1, type: 'tool_call', tool: clip(tool, 200), ok, summary: clip(summary, 2000), ms }),
    result: (success, summary, goal, plan) =>
      emit({ v: 1, type: 'result', success, summary: clip(summary, 20_000), goal: clip(goal, 5000), ...(plan ? { plan: clip(plan, 20_000) } : {}) }),
  };
}
