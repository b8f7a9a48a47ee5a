import { layoutColumns, rowCells, rowText, titleText, widestGuides } from './columns.ts';
import { detailLines } from './detail.ts';
import { headerLines } from './header.ts';
import { loadLineage } from './load.ts';
import type { LineageSource } from './source.ts';
import { bestCandidate } from '../lineage/best.ts';
import { summarize } from './stats.ts';
import { buildForest, flatten } from './tree.ts';

/**
 * The view as plain text, for `evolve watch` without a terminal (a pipe, CI, a log): header, the whole tree
 * unfolded, the run's log lines and the best candidate's details. No colour, no cursor movement.
 */
export function snapshotText(source: LineageSource, runId: string, opts: { width?: number; now?: number } = {}): string {
  const width = Math.max(60, opts.width ?? 100);
  const now = opts.now ?? Date.now();
  const data = loadLineage(source, runId, null, now);
  const stats = summarize(data.run, data.config, data.candidates, now);
  const best = bestCandidate(data.candidates);
  const rows = flatten(buildForest(data.candidates), new Set());
  const layout = layoutColumns(width, widestGuides(rows));
  const out: string[] = [];
  for (const line of headerLines(data.run, data.config, stats, width)) out.push(line.map((s) => s.text).join('  '));
  out.push('', titleText(layout).trimEnd());
  for (const row of rows) out.push(rowText(rowCells(row, layout, { frame: 0, bestId: best?.id ?? null })));
  if (data.digest.log.length) {
    out.push('');
    for (const line of data.digest.log) out.push(line.text);
  }
  if (best) {
    out.push('', 'best:');
    for (const l of detailLines(best, data.digest.byCandidate.get(best.id), { width, maxLines: 20, bestId: best.id })) {
      out.push(`${l.label.padEnd(7)}${l.text}`.trimEnd());
    }
  }
  return out.join('\n') + '\n';
}
