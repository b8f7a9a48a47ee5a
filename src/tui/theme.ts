import type { CandidateStatus } from '../lineage/schema.ts';

/**
 * Colours by status. Ink's chalk honours FORCE_COLOR and the terminal's abilities but not NO_COLOR
 * (https://no-color.org), so the TUI checks NO_COLOR itself and then passes no colour at all.
 */
export function colorsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

export const STATUS_COLOR: Record<CandidateStatus, string> = {
  pending: 'gray',
  running: 'cyan',
  evaluating: 'blue',
  passed: 'green',
  failed: 'red',
  rejected: 'yellow',
  budget_exhausted: 'magenta',
  error: 'red',
};

export const TONE_COLOR = { info: 'gray', good: 'green', bad: 'red', warn: 'yellow', accent: 'cyan' } as const;
export type Tone = keyof typeof TONE_COLOR;
