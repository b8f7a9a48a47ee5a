import type { CandidateRow } from '../lineage/schema.ts';
import { attrs, esc, firstLine, num, score } from './html.ts';

/**
 * The lineage tree as inline SVG: one column per generation (time runs left to right, as in the charts below),
 * one `<a class="node">` per candidate carrying data-id and data-status, a curve from each parent. Within a column
 * children sit in the order of their parents, so a family stays together. At 1,000 candidates the picture keeps
 * its size and scrolls rather than shrinking nodes out of sight.
 */

export interface TreeInput {
  candidates: readonly CandidateRow[];
  bestId: string | null;
  bestPath: ReadonlySet<string>;
}

export interface Placed {
  candidate: CandidateRow;
  x: number;
  y: number;
}

export interface TreeLayout {
  nodes: Placed[];
  width: number;
  height: number;
  columns: number;
  columnX: (generation: number) => number;
}

const MARGIN_X = 36;
const MARGIN_TOP = 28;
const MARGIN_BOTTOM = 26;

/** Room per node: generous for a small run, tight (still clickable) from a few hundred candidates on. */
export function spacing(candidates: number): { dx: number; dy: number; r: number } {
  if (candidates <= 60) return { dx: 110, dy: 40, r: 9 };
  if (candidates <= 200) return { dx: 64, dy: 28, r: 7 };
  return { dx: 26, dy: 16, r: 4.5 };
}

/** Column and row of every candidate. Pure; O(n log n). */
export function layoutTree(candidates: readonly CandidateRow[]): TreeLayout {
  const generations = new Map<number, CandidateRow[]>();
  for (const c of candidates) {
    const column = generations.get(c.generation);
    if (column) column.push(c);
    else generations.set(c.generation, [c]);
  }
  const order = [...generations.keys()].sort((a, b) => a - b);
  const widest = Math.max(1, ...[...generations.values()].map((g) => g.length));
  const { dx, dy } = spacing(candidates.length);
  const height = MARGIN_TOP + widest * dy + MARGIN_BOTTOM;
  const rowOf = new Map<string, number>();
  const columnX = (generation: number) => MARGIN_X + generation * dx;
  const nodes: Placed[] = [];
  for (const generation of order) {
    const column = generations.get(generation)!;
    // Parents first placed first: sort by the parent's row (a root, or a parent outside the run, goes on top).
    const keyed = column.map((c, i) => ({ c, i, parentRow: c.parent_id === null ? -1 : rowOf.get(c.parent_id) ?? -1 }));
    keyed.sort((a, b) => a.parentRow - b.parentRow || a.i - b.i);
    const offset = ((widest - column.length) * dy) / 2;
    keyed.forEach(({ c }, row) => {
      rowOf.set(c.id, row + (widest - column.length) / 2);
      nodes.push({ candidate: c, x: columnX(generation), y: MARGIN_TOP + offset + (row + 0.5) * dy });
    });
  }
  const last = order.length ? order[order.length - 1] : 0;
  return { nodes, width: columnX(last) + MARGIN_X + 40, height, columns: order.length, columnX };
}

function nodeTitle(c: CandidateRow, isBest: boolean): string {
  const goal = firstLine(c.goal, 60) || (c.parent_id === null ? 'the seed' : 'no goal recorded');
  const marks = [c.survived ? 'survived' : '', isBest ? 'best' : ''].filter(Boolean).join(', ');
  return `${c.id} · generation ${c.generation} · ${c.status} · score ${score(c.score)}${marks ? ` · ${marks}` : ''}\n${goal}`;
}

function curve(from: Placed, to: Placed): string {
  const mid = (from.x + to.x) / 2;
  return `M${num(from.x)} ${num(from.y)}C${num(mid)} ${num(from.y)} ${num(mid)} ${num(to.y)} ${num(to.x)} ${num(to.y)}`;
}

export function renderTree(input: TreeInput): string {
  const layout = layoutTree(input.candidates);
  const at = new Map(layout.nodes.map((p) => [p.candidate.id, p]));
  const { r, dy } = spacing(input.candidates.length);
  const edges: string[] = [];
  const pathEdges: string[] = [];
  for (const p of layout.nodes) {
    const parent = p.candidate.parent_id === null ? undefined : at.get(p.candidate.parent_id);
    if (!parent) continue;
    const onPath = input.bestPath.has(p.candidate.id) && input.bestPath.has(parent.candidate.id);
    (onPath ? pathEdges : edges).push(curve(parent, p));
  }
  const labels: string[] = [];
  const every = layout.columns > 60 ? 10 : layout.columns > 20 ? 5 : 1;
  for (let g = 0; g < layout.columns; g++) {
    if (g % every === 0) labels.push(`<text x="${num(layout.columnX(g))}" y="14">g${g}</text>`);
  }
  const nodes = layout.nodes.map(({ candidate: c, x, y }) => {
    const isBest = c.id === input.bestId;
    const onPath = input.bestPath.has(c.id);
    // Status and survival are styled through the data attributes (10,000 nodes: every byte counts ten thousand times).
    const classes = isBest ? 'node best' : 'node';
    const ring = isBest ? `<circle class="best-ring" cx="${num(x)}" cy="${num(y)}" r="${num(r + 5)}"/>` : '';
    const label = isBest || c.parent_id === null
      ? `<text class="node-label" x="${num(x)}" y="${num(y + r + Math.min(14, dy * 0.6))}">${isBest ? `best ${esc(c.id)}` : 'seed'}</text>` : '';
    return `<a${attrs({
      href: `#c-${c.id}`, class: classes, 'data-id': c.id, 'data-status': c.status, 'data-generation': c.generation,
      'data-survived': c.survived ? 1 : 0, 'data-best': isBest ? '1' : undefined, 'data-best-path': onPath ? '1' : undefined,
    })}>${ring}<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}"/><title>${esc(nodeTitle(c, isBest))}</title>${label}</a>`;
  });
  const edgePath = (d: string[], cls: string) => (d.length ? `<path class="${cls}" d="${d.join('')}"/>` : '');
  return [
    `<svg class="lineage" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="lineage tree, ${input.candidates.length} candidates"`,
    ` width="${num(layout.width)}" height="${num(layout.height)}" viewBox="0 0 ${num(layout.width)} ${num(layout.height)}">`,
    `<g class="generations">${labels.join('')}</g>`,
    edgePath(edges, 'edges'), edgePath(pathEdges, 'edges best-path'),
    `<g class="nodes">${nodes.join('\n')}</g></svg>`,
  ].join('');
}

/** The legend under the tree: what each colour and mark means. */
export function treeLegend(statuses: readonly string[]): string {
  const items = statuses.map((s) => `<span class="key"><svg width="12" height="12"><circle class="st-${esc(s)}" cx="6" cy="6" r="5"/></svg>${esc(s)}</span>`);
  items.push('<span class="key"><svg width="14" height="14"><circle class="key-survivor" cx="7" cy="7" r="5"/></svg>survived</span>');
  items.push('<span class="key"><svg width="20" height="20"><circle class="best-ring" cx="10" cy="10" r="8"/><circle class="st-passed" cx="10" cy="10" r="4"/></svg>best</span>');
  items.push('<span class="key"><svg width="24" height="10"><path class="edges best-path" d="M1 5H23"/></svg>path to the best</span>');
  return `<p class="legend">${items.join('')}</p>`;
}
