import type { CandidateOutline } from '../lineage/types.ts';
import { fit, formatCost, formatDiff, formatObjective, formatScore, shortId, truncate } from './format.ts';
import type { FlatRow } from './tree.ts';

/**
 * One tree line: mark (best/survivor), tree guides, fold arrow, short id, optional columns, and the goal in
 * whatever is left. Columns drop out in a fixed order as the terminal narrows, so 60 columns stay readable.
 */
export type ColumnKey = 'status' | 'score' | 'objective' | 'gen' | 'diff' | 'cost';
export interface Column {
  key: ColumnKey;
  width: number;
  align: 'left' | 'right';
}
export interface RowLayout {
  treeWidth: number;
  columns: Column[];
  goalWidth: number;
  /** With a user judge: the parent's objective value, for the objective column's change (null: none). */
  objective?: ObjectiveCells;
}

export interface ObjectiveCells { parentValue(c: CandidateOutline): number | null }

const MARK = 2;
const FOLD = 2;
const ID = 8;
/** In the order they are given up when space runs out, the last first. */
const OPTIONAL: Column[] = [
  { key: 'status', width: 12, align: 'left' },
  { key: 'score', width: 6, align: 'right' },
  { key: 'gen', width: 3, align: 'right' },
  { key: 'diff', width: 11, align: 'right' },
  { key: 'cost', width: 6, align: 'right' },
];

/** The objective column (value and change against the parent), right after the score, when the run has a judge. */
const OBJECTIVE: Column = { key: 'objective', width: 14, align: 'right' };

/** `lastGeneration`: the deepest generation shown, so that "g1000" of a long campaign is not cut to "g1…". */
export function layoutColumns(width: number, widestGuides: number, lastGeneration = 0, objective?: ObjectiveCells): RowLayout {
  const treeWidth = Math.min(widestGuides, Math.max(3, Math.floor(width / 5)));
  const fixed = MARK + treeWidth + FOLD + ID;
  const minGoal = Math.max(12, Math.floor(width / 4));
  const columns: Column[] = [];
  let used = fixed;
  const genWidth = Math.max(3, `g${lastGeneration}`.length);
  const optional = objective ? [...OPTIONAL.slice(0, 2), OBJECTIVE, ...OPTIONAL.slice(2)] : OPTIONAL;
  for (const option of optional) {
    const col = option.key === 'gen' ? { ...option, width: genWidth } : option;
    if (col.key !== 'status' && used + col.width + 1 + 1 + minGoal > width) break;
    columns.push(col);
    used += col.width + 1;
  }
  return { treeWidth, columns, goalWidth: Math.max(0, width - used - 1), ...(objective ? { objective } : {}) };
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function statusText(c: CandidateOutline, frame: number): string {
  if (c.status === 'running') return `${SPINNER[frame % SPINNER.length]} ${c.phase || 'running'}`;
  if (c.status === 'evaluating') return `${SPINNER[frame % SPINNER.length]} evaluating`;
  if (c.status === 'budget_exhausted') return 'budget';
  return c.status;
}

export interface RowCells {
  mark: string;
  /** Guides, fold arrow and short id, padded so that the columns after it line up. */
  tree: string;
  cells: { key: ColumnKey; text: string }[];
  goal: string;
}

/** The texts of one row, each cut or padded to its column. */
export function rowCells(row: FlatRow, layout: RowLayout, opts: { frame: number; bestId: string | null }): RowCells {
  const c = row.candidate;
  const mark = row.id === opts.bestId ? '★ ' : c.survived ? '● ' : '  ';
  const guides = row.guides.length > layout.treeWidth
    ? '…' + row.guides.slice(row.guides.length - layout.treeWidth + 1)
    : row.guides;
  const fold = row.hasChildren ? (row.folded ? '▸ ' : '▾ ') : '';
  const tree = (guides + fold + shortId(c.id)).padEnd(layout.treeWidth + FOLD + ID);
  const isSeed = c.generation === 0 && c.parent_id == null;
  const cells = layout.columns.map((col) => ({ key: col.key, text: fit(cellText(col.key, c, opts.frame, layout), col.width, col.align) }));
  const goal = isSeed ? (c.goal || 'seed (target HEAD)') : (c.goal || (c.status === 'pending' ? '(waiting)' : '(goal not reported yet)'));
  return { mark, tree, cells, goal: truncate(goal, layout.goalWidth) };
}

function cellText(key: ColumnKey, c: CandidateOutline, frame: number, layout: RowLayout): string {
  switch (key) {
    case 'status': return statusText(c, frame);
    case 'score': return formatScore(c.score);
    case 'objective': return formatObjective(c.objective, layout.objective?.parentValue(c) ?? null);
    case 'gen': return `g${c.generation}`;
    case 'diff': return formatDiff(c.diff_added, c.diff_removed);
    case 'cost': return c.cost_usd ? formatCost(c.cost_usd) : '';
  }
}

/** The whole line as plain text (the snapshot and the tests read it). */
export function rowText(cells: RowCells): string {
  return [cells.mark + cells.tree, ...cells.cells.map((c) => c.text), cells.goal].join(' ').trimEnd();
}

const TITLES: Record<ColumnKey, string> = { status: 'status', score: 'score', objective: 'objective', gen: 'gen', diff: 'diff', cost: 'cost' };

/** The column titles, aligned like `rowText` aligns a row. */
export function titleText(layout: RowLayout): string {
  const cells = layout.columns.map((col) => fit(TITLES[col.key], col.width, col.align));
  return ['  ' + 'lineage'.padEnd(layout.treeWidth + FOLD + ID), ...cells, 'goal'].join(' ');
}

export function widestGuides(rows: readonly FlatRow[]): number {
  let w = 0;
  for (const r of rows) if (r.guides.length > w) w = r.guides.length;
  return w;
}
