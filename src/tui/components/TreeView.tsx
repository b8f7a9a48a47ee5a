import { Box } from 'ink';
import { memo } from 'react';
import { rowCells, titleText, type RowLayout } from '../columns.ts';
import { STATUS_COLOR } from '../theme.ts';
import type { FlatRow } from '../tree.ts';
import { useColor } from './colors.tsx';
import { Line } from './Line.tsx';

export interface TreeViewProps {
  /** Only the rows inside the window: the list is virtualised by the caller. */
  rows: readonly FlatRow[];
  layout: RowLayout;
  selectedId: string | null;
  bestId: string | null;
  frame: number;
  width: number;
}

export function TreeView({ rows, layout, selectedId, bestId, frame, width }: TreeViewProps) {
  return (
    <Box flexDirection="column">
      <Line spans={[{ text: titleText(layout), dim: true }]} width={width} />
      {rows.map((row) => (
        <TreeLine key={row.id} row={row} layout={layout} selected={row.id === selectedId} bestId={bestId} width={width}
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
  width: number;
}

/**
 * One candidate: its mark, guides and id, status, and the other columns, as one line. Memoised on the row (kept by
 * the layout until the candidate changes), the columns, the selection, the best and the spinner's frame: a key
 * press re-renders the rows whose selection changed, a spinner tick the running rows.
 */
const TreeLine = memo(function TreeLine({ row, layout, selected, bestId, frame, width }: LineProps) {
  const color = useColor();
  const cells = rowCells(row, layout, { frame, bestId });
  const status = cells.cells.find((c) => c.key === 'status');
  const rest = cells.cells.filter((c) => c.key !== 'status').map((c) => ' ' + c.text).join('') + ' ' + cells.goal;
  return (
    <Line width={width} line={{ inverse: selected }} spans={[
      { text: cells.mark, color: color(cells.mark.startsWith('★') ? 'yellow' : 'green'), bold: true },
      { text: cells.tree, bold: row.candidate.survived === 1 },
      { text: status ? ' ' + status.text : '', color: color(STATUS_COLOR[row.candidate.status]) },
      { text: rest },
    ]} />
  );
});
