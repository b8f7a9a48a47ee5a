import { Box, Text } from 'ink';
import { memo } from 'react';
import { rowCells, titleText, type RowLayout } from '../columns.ts';
import { STATUS_COLOR } from '../theme.ts';
import type { FlatRow } from '../tree.ts';
import { useColor } from './colors.tsx';

export interface TreeViewProps {
  /** Only the rows inside the window: the list is virtualised by the caller. */
  rows: readonly FlatRow[];
  layout: RowLayout;
  selectedId: string | null;
  bestId: string | null;
  frame: number;
}

export function TreeView({ rows, layout, selectedId, bestId, frame }: TreeViewProps) {
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">{titleText(layout)}</Text>
      {rows.map((row) => (
        <TreeLine key={row.id} row={row} layout={layout} selected={row.id === selectedId} bestId={bestId}
          frame={row.candidate.status === 'running' || row.candidate.status === 'evaluating' ? frame : 0} />
      ))}
    </Box>
  );
}

interface LineProps {
  row: FlatRow;
  layout: RowLayout;
  selected: boolean;
  bestId: string | null;
  frame: number;
}

/**
 * One candidate, in four spans (each span costs Ink layout work, and a window of rows is redrawn on every frame).
 * Memoised: a spinner tick re-renders only the running rows.
 */
const TreeLine = memo(function TreeLine({ row, layout, selected, bestId, frame }: LineProps) {
  const color = useColor();
  const cells = rowCells(row, layout, { frame, bestId });
  const status = cells.cells.find((c) => c.key === 'status');
  const rest = cells.cells.filter((c) => c.key !== 'status').map((c) => ' ' + c.text).join('') + ' ' + cells.goal;
  return (
    <Text wrap="truncate" inverse={selected}>
      <Text color={color(cells.mark.startsWith('★') ? 'yellow' : 'green')} bold>{cells.mark}</Text>
      <Text bold={row.candidate.survived === 1}>{cells.tree}</Text>
      <Text color={color(STATUS_COLOR[row.candidate.status])}>{status ? ' ' + status.text : ''}</Text>
      {rest}
    </Text>
  );
});
