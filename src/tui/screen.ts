import type { CandidateOutline } from '../lineage/types.ts';
import { layoutColumns, type RowLayout } from './columns.ts';
import { detailLines, type DetailLine } from './detail.ts';
import type { Segment } from './format.ts';
import { headerLines } from './header.ts';
import type { LineageModel } from './model.ts';
import { scrollTop, type FlatRow } from './tree.ts';
import type { ViewState } from './view.ts';

/**
 * Everything one frame shows, computed from the model, the view state and the terminal size: the header lines,
 * the window of tree rows, the detail lines. Only the window is formatted, so a frame costs the same for ten
 * candidates or ten thousand. Heights are budgeted so that the live area stays shorter than the terminal (a taller
 * one makes Ink clear the screen on every frame).
 */
export interface ScreenModel {
  width: number;
  header: Segment[][];
  rows: FlatRow[];
  top: number;
  treeHeight: number;
  layout: RowLayout;
  detail: DetailLine[] | null;
  position: string;
}

export function screenModel(
  model: LineageModel, view: ViewState, best: CandidateOutline | null, size: { columns: number; rows: number },
  previousTop: number, now: number,
): ScreenModel {
  const width = size.columns;
  const budget = Math.max(6, size.rows - 1);
  const header = headerLines(model.run, model.config, model.stats(now), width, model.objectiveSummary());
  // Below the header: a rule and the column titles; at the bottom: the key hints.
  const room = budget - header.length - 3;
  // The detail pane takes what the tree can spare, at most 12 lines; the tree keeps a few rows in sight.
  const treeMin = Math.max(1, Math.min(5, Math.floor(room / 3)));
  const detailMax = Math.min(12, room - treeMin - 1);
  const tree = model.layout;
  tree.setFolded(view.folded);
  const selected = view.detailOpen && detailMax >= 1 ? model.candidateDetail(view.selectedId) : undefined;
  const detail = selected
    ? detailLines(selected, model.activityOf(selected.id), { width, maxLines: detailMax, bestId: best?.id ?? null })
    : null;
  const treeHeight = Math.max(1, room - (detail ? detail.length + 1 : 0));
  const top = scrollTop(previousTop, tree.indexOf(view.selectedId), treeHeight, tree.length);
  const window = tree.window(top, treeHeight);
  return {
    width, header, rows: window, top, treeHeight, layout: columnsOf(model, width), detail,
    position: tree.length > treeHeight ? `${top + 1}-${top + window.length}/${tree.length}` : '',
  };
}

const columns = new WeakMap<LineageModel, { key: string; layout: RowLayout }>();

/**
 * The columns, the same object from frame to frame until they or the data change: the tree's rows are memoised on
 * it, so that a key press re-renders the rows whose selection moved, not the whole window. A new version of the
 * model makes new columns (a row's objective column reads its parent's value).
 */
function columnsOf(model: LineageModel, width: number): RowLayout {
  const tree = model.layout;
  const key = `${width} ${tree.widestGuides()} ${tree.lastGeneration()} ${model.version}`;
  const kept = columns.get(model);
  if (kept?.key === key) return kept.layout;
  const layout = layoutColumns(width, tree.widestGuides(), tree.lastGeneration(), model.objectiveCells());
  columns.set(model, { key, layout });
  return layout;
}
