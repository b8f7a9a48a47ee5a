import { Box, Text } from 'ink';
import type { DetailLine } from '../detail.ts';
import { useColor } from './colors.tsx';

/** The selected candidate's details, lines prepared (and cut to the width) by `detailLines`. */
export function DetailPane({ lines, width }: { lines: readonly DetailLine[]; width: number }) {
  const color = useColor();
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">{'─'.repeat(Math.max(0, width))}</Text>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          <Text dimColor>{line.label.padEnd(7)}</Text>
          <Text color={color(line.color)} bold={line.bold}>{line.text}</Text>
        </Text>
      ))}
    </Box>
  );
}
