import { Box, Text } from 'ink';
import type { Segment } from '../format.ts';
import { useColor } from './colors.tsx';

/** The run's header: lines of segments already packed to the width by `headerLines`, and a rule. */
export function Header({ lines, width }: { lines: Segment[][]; width: number }) {
  const color = useColor();
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line.map((seg, j) => (
            <Text key={j}>
              {j > 0 ? '  ' : ''}
              <Text color={color(seg.color)} bold={seg.bold} inverse={seg.inverse}>{seg.text}</Text>
            </Text>
          ))}
        </Text>
      ))}
      <Text dimColor wrap="truncate">{'─'.repeat(Math.max(0, width))}</Text>
    </Box>
  );
}
