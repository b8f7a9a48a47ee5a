import { Text } from 'ink';
import { hintsLine, promptLine, truncate } from '../format.ts';
import type { Prompt } from '../view.ts';
import { useColor } from './colors.tsx';

export interface KeyHintsProps {
  width: number;
  confirmingStop: boolean;
  follow: boolean;
  detailOpen: boolean;
  /** e.g. "12-40/1001", shown when the tree is longer than its window. */
  position: string;
  notice?: string | null;
  /** A search or generation being typed: shown instead of the hints. */
  prompt?: Prompt | null;
  /** An answer to the last key (e.g. "no match"), shown before the hints, not as an error. */
  message?: string | null;
}

/** The bottom line: key hints, or the stop question during a run. */
export function KeyHints({ width, confirmingStop, follow, detailOpen, position, notice, prompt, message }: KeyHintsProps) {
  const color = useColor();
  if (confirmingStop) {
    return <Text color={color('yellow')} bold wrap="truncate">{truncate('Stop the run? (y/n)', width)}</Text>;
  }
  if (prompt) return <Text color={color('cyan')} wrap="truncate">{promptLine(width, prompt)}</Text>;
  if (message && !notice) {
    return <Text color={color('yellow')} wrap="truncate">{hintsLine(width, { follow, detailOpen, position, notice: message })}</Text>;
  }
  const text = hintsLine(width, { follow, detailOpen, position, notice: notice ?? '' });
  return <Text dimColor={!notice} color={notice ? color('red') : undefined} wrap="truncate">{truncate(text, width)}</Text>;
}
