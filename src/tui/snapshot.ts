import { layoutColumns, rowCells, rowText, titleText } from './columns.ts';
import { detailLines } from './detail.ts';
import { headerLines } from './header.ts';
import { LineageModel } from './model.ts';
import type { LineageSource } from './source.ts';

/**
 * The view as plain text, for `evolve watch` without a terminal (a pipe, CI, a log): header, the whole tree
 * unfolded, the run's log lines and the best candidate's details. No colour, no cursor movement.
 */
export function snapshotText(source: LineageSource, runId: string, opts: { width?: number; now?: number } = {}): string {
  const width = Math.max(60, opts.width ?? 100);
  const now = opts.now ?? Date.now();
  const model = new LineageModel(source, runId);
  const best = model.best();
  const rows = model.layout.flatRows();
  const layout = layoutColumns(width, model.layout.widestGuides(), model.layout.lastGeneration(), model.objectiveCells());
  const out: string[] = [];
  for (const line of headerLines(model.run, model.config, model.stats(now), width, model.objectiveSummary())) out.push(line.map((s) => s.text).join('  '));
  out.push('', titleText(layout).trimEnd());
  for (const row of rows) out.push(rowText(rowCells(row, layout, { frame: 0, bestId: best?.id ?? null })));
  if (model.log.length) {
    out.push('');
    for (const line of model.log) out.push(line.text);
  }
  const bestRow = model.candidateDetail(best?.id ?? null);
  if (bestRow) {
    out.push('', 'best:');
    for (const l of detailLines(bestRow, model.activityOf(bestRow.id), { width, maxLines: 20, bestId: bestRow.id })) {
      out.push(`${l.label.padEnd(7)}${l.text}`.trimEnd());
    }
  }
  return out.join('\n') + '\n';
}
