import { hintsLine, promptLine, truncate } from '../format.ts';
import type { Prompt } from '../view.ts';
import { useColor } from './colors.tsx';
import { Line } from './Line.tsx';

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
    return <Line width={width} spans={[{ text: truncate('Stop the run? (y/n)', width), color: color('yellow'), bold: true }]} />;
  }
  if (prompt) return <Line width={width} spans={[{ text: promptLine(width, prompt), color: color('cyan') }]} />;
  if (message && !notice) {
    return <Line width={width} spans={[{ text: hintsLine(width, { follow, detailOpen, position, notice: message }), color: color('yellow') }]} />;
  }
  const text = hintsLine(width, { follow, detailOpen, position, notice: notice ?? '' });
  return <Line width={width} spans={[{ text: truncate(text, width), dim: !notice, color: notice ? color('red') : undefined }]} />;
}
