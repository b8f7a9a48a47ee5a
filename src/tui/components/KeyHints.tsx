import { Text } from 'ink';
import { hintsLine, truncate } from '../format.ts';
import { useColor } from './colors.tsx';

export interface KeyHintsProps {
  width: number;
  confirmingStop: boolean;
  follow: boolean;
  detailOpen: boolean;
  /** e.g. "12-40/1001", shown when the tree is longer than its window. */
  position: string;
  notice?: string | null;
}

/** The bottom line: key hints, or the stop question during a run. */
export function KeyHints({ width, confirmingStop, follow, detailOpen, position, notice }: KeyHintsProps) {
  const color = useColor();
  if (confirmingStop) {
    return <Text color={color('yellow')} bold wrap="truncate">{truncate('Stop the run? (y/n)', width)}</Text>;
  }
  const text = hintsLine(width, { follow, detailOpen, position, notice: notice ?? '' });
  return <Text dimColor={!notice} color={notice ? color('red') : undefined} wrap="truncate">{truncate(text, width)}</Text>;
}
