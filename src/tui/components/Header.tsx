import { Box } from 'ink';
import type { Segment } from '../format.ts';
import { useColor } from './colors.tsx';
import { Line, type Span } from './Line.tsx';

/** The run's header: lines of segments already packed to the width by `headerLines`, and a rule. */
export function Header({ lines, width }: { lines: Segment[][]; width: number }) {
  const color = useColor();
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Line key={i} width={width} spans={line.flatMap((seg, j): Span[] => [
          ...(j > 0 ? [{ text: '  ' }] : []),
          { text: seg.text, color: color(seg.color), bold: seg.bold, inverse: seg.inverse },
        ])} />
      ))}
      <Line spans={[{ text: '─'.repeat(Math.max(0, width)), dim: true }]} width={width} />
    </Box>
  );
}
