import type { CandidateRow } from '../lineage/schema.ts';
import type { GenerationStats } from '../lineage/types.ts';
import { esc, num, score, usd } from './html.ts';

/** The two charts, drawn as SVG by hand: the plotted value per generation and the cost per generation. */

const W = 900;
const H = 240;
const LEFT = 64;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 34;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;

/** Round tick values covering [min, max] (about `count` of them). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function tickLabel(value: number): string {
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(1) : String(Number(value.toPrecision(6)));
}

interface Frame {
  x: (generation: number) => number;
  y: (value: number) => number;
  svg: string[];
}

/** Axes, grid and generation labels for values in [lo, hi] over generations 0..last. */
function frame(className: string, label: string, ticks: number[], last: number, format: (v: number) => string): Frame {
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  // Each generation in the middle of its own slot, so the first and last bars stay inside the frame.
  const x = (g: number) => LEFT + ((g + 0.5) / (last + 1)) * PLOT_W;
  const y = (v: number) => TOP + PLOT_H - ((v - lo) / (hi - lo || 1)) * PLOT_H;
  const svg = [`<svg class="chart ${className}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}">`];
  for (const t of ticks) {
    svg.push(`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${num(y(t))}" y2="${num(y(t))}"/>`);
    svg.push(`<text class="tick" x="${LEFT - 6}" y="${num(y(t) + 4)}" text-anchor="end">${esc(format(t))}</text>`);
  }
  const every = Math.max(1, Math.ceil((last + 1) / 20));
  for (let g = 0; g <= last; g += every) {
    svg.push(`<text class="tick" x="${num(x(g))}" y="${H - BOTTOM + 16}" text-anchor="middle">${g}</text>`);
  }
  svg.push(`<text class="axis" x="${LEFT + PLOT_W / 2}" y="${H - 4}" text-anchor="middle">generation</text>`);
  svg.push(`<text class="axis" transform="translate(12 ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
  return { x, y, svg };
}

export interface ValueChartInput {
  candidates: readonly CandidateRow[];
  value: (c: CandidateRow) => number | null;
  label: string;
  higherIsBetter: boolean;
}

/**
 * The best value among passed candidates up to each generation, as [generation, value] from the first generation
 * that has a passed one: the step line of the chart.
 */
export function bestSoFar(points: readonly { c: CandidateRow; v: number }[], last: number, higherIsBetter: boolean): [number, number][] {
  const better = (a: number, b: number) => (higherIsBetter ? a > b : a < b);
  const bestAt = new Map<number, number>();
  for (const { c, v } of points) {
    if (c.status !== 'passed') continue;
    const prior = bestAt.get(c.generation);
    if (prior === undefined || better(v, prior)) bestAt.set(c.generation, v);
  }
  const out: [number, number][] = [];
  let best: number | null = null;
  for (let g = 0; g <= last; g++) {
    const here = bestAt.get(g);
    if (here !== undefined && (best === null || better(here, best))) best = here;
    if (best !== null) out.push([g, best]);
  }
  return out;
}

/** Each candidate a dot at its generation (spread a little so siblings do not cover each other); the best so far a line. */
export function renderValueChart(input: ValueChartInput): string {
  const points = input.candidates.map((c) => ({ c, v: input.value(c) })).filter((p): p is { c: CandidateRow; v: number } => p.v !== null);
  if (points.length === 0) return `<p class="empty">No candidate has a ${esc(input.label)} yet.</p>`;
  // Loops, not Math.max(...list): spreading 100,000 arguments overflows the stack.
  let last = 0;
  for (const c of input.candidates) last = Math.max(last, c.generation);
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.v);
    hi = Math.max(hi, p.v);
  }
  const f = frame('values', input.label, niceTicks(lo, hi), last, tickLabel);
  const perGeneration = new Map<number, number>();
  for (const p of points) perGeneration.set(p.c.generation, (perGeneration.get(p.c.generation) ?? 0) + 1);
  const seen = new Map<number, number>();
  const spread = Math.min(60, (PLOT_W / (last + 1)) * 0.5);
  const dots: string[] = [];
  for (const { c, v } of points) {
    const n = perGeneration.get(c.generation)!;
    const i = seen.get(c.generation) ?? 0;
    seen.set(c.generation, i + 1);
    const dx = n > 1 ? (i / (n - 1) - 0.5) * spread : 0;
    dots.push(`<circle class="dot st-${esc(c.status)}" cx="${num(f.x(c.generation) + dx)}" cy="${num(f.y(v))}" r="3.5"><title>${esc(`${c.id} g${c.generation} ${c.status}: ${score(v)}`)}</title></circle>`);
  }
  const steps = bestSoFar(points, last, input.higherIsBetter);
  const line = steps.map(([g, v], i) => `${i ? 'L' : 'M'}${num(f.x(g))} ${num(f.y(v))}`);
  if (line.length === 1) line.push('h1');
  f.svg.push(`<g class="dots">${dots.join('')}</g>`);
  if (line.length) f.svg.push(`<path class="best-so-far" d="${line.join('')}"><title>best passed so far</title></path>`);
  f.svg.push('</svg>');
  return f.svg.join('');
}

/** One bar per generation: what its candidates cost (every attempt, as the proxy metered it). */
export function renderCostChart(stats: readonly GenerationStats[]): string {
  if (stats.length === 0) return '<p class="empty">No candidates yet.</p>';
  const last = Math.max(...stats.map((s) => s.generation));
  const max = Math.max(...stats.map((s) => s.costUsd ?? 0));
  const f = frame('cost', 'cost (USD)', niceTicks(0, max > 0 ? max : 1), last, (v) => `$${tickLabel(v)}`);
  const barW = Math.max(1, Math.min(40, (PLOT_W / (last + 1)) * 0.7));
  const bars: string[] = [];
  for (const s of stats) {
    const cost = s.costUsd ?? 0;
    const top = f.y(cost);
    const label = `generation ${s.generation}: ${usd(cost)} for ${s.count} candidate${s.count === 1 ? '' : 's'}`;
    bars.push(`<rect class="bar" x="${num(f.x(s.generation) - barW / 2)}" y="${num(top)}" width="${num(barW)}" height="${num(Math.max(0, f.y(0) - top))}"><title>${esc(label)}</title></rect>`);
    if (stats.length <= 24 && cost > 0) bars.push(`<text class="bar-label" x="${num(f.x(s.generation))}" y="${num(top - 4)}" text-anchor="middle">${esc(usd(cost))}</text>`);
  }
  f.svg.push(`<g class="bars">${bars.join('')}</g></svg>`);
  return f.svg.join('');
}
