import { Box } from 'ink';
import type { DetailLine } from '../detail.ts';
import { useColor } from './colors.tsx';
import { Line } from './Line.tsx';

/** The selected candidate's details, lines prepared (and cut to the width) by `detailLines`. */
export function DetailPane({ lines, width }: { lines: readonly DetailLine[]; width: number }) {
  const color = useColor();
  return (
    <Box flexDirection="column">
      <Line spans={[{ text: '─'.repeat(Math.max(0, width)), dim: true }]} width={width} />
      {lines.map((line, i) => (
        <Line key={i} width={width} spans={[
          { text: line.label.padEnd(7), dim: true },
          { text: line.text, color: color(line.color), bold: line.bold },
        ]} />
      ))}
    </Box>
  );
}
