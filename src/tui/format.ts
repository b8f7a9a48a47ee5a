/** Small pure formatters shared by the components and the plain-text snapshot. Everything is one cell per char. */
import { safeLine } from '../safe-text.ts';

/** Cuts `text` to `width` columns, ending with '…' when something was cut. Control characters are made safe (safeLine). */
export function truncate(text: string, width: number): string {
  const flat = safeLine(text).trim();
  if (width <= 0) return '';
  if (flat.length <= width) return flat;
  return width === 1 ? '…' : flat.slice(0, width - 1) + '…';
}

/** Pads or cuts to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

export function formatCost(usd: number | null | undefined): string {
  if (usd == null || !Number.isFinite(usd)) return '?';
  if (usd > 0 && usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/** 75_000 ms → "1m15s"; 3_700_000 → "1h01m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatScore(score: number | null | undefined): string {
  if (score == null || !Number.isFinite(score)) return '–';
  return Math.abs(score) >= 100 ? score.toFixed(0) : score.toFixed(2);
}

export function formatDiff(added: number | null | undefined, removed: number | null | undefined): string {
  if (added == null && removed == null) return '';
  return `+${added ?? 0}/−${removed ?? 0}`;
}

/** A bar of `width` cells for a ratio in [0, 1]. */
export function progressBar(ratio: number, width: number): string {
  const r = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  const full = Math.round(r * width);
  return '█'.repeat(full) + '░'.repeat(Math.max(0, width - full));
}

export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  inverse?: boolean;
}

/**
 * Packs segments into lines of at most `width` columns, breaking only between segments (separated by `gap`), so
 * a narrow terminal gets more header lines instead of wrapped words. A segment wider than a line is cut.
 */
export function packSegments(segments: readonly Segment[], width: number, gap = 2): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let used = 0;
  for (const seg of segments) {
    if (!seg.text) continue;
    const text = truncate(seg.text, width);
    const need = (line.length ? gap : 0) + text.length;
    if (line.length && used + need > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    line.push({ ...seg, text });
    used += (line.length > 1 ? gap : 0) + text.length;
  }
  if (line.length) lines.push(line);
  return lines;
}

/** Milliseconds between two ISO timestamps, or null when either is missing or unreadable. */
export function msBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : null;
}

/**
 * The key hints for a width: the most needed first (q quit, moving, details), the rest while they fit, shown in
 * their natural order. A notice (an error) and the visible range come first when there is room.
 */
export function hintsLine(width: number, o: { follow: boolean; detailOpen: boolean; position: string; notice: string }): string {
  const hints = [
    { text: '↑↓/jk move', rank: 1 }, { text: '←→ fold', rank: 3 }, { text: `enter ${o.detailOpen ? 'close' : 'details'}`, rank: 2 },
    { text: 'b best', rank: 4 }, { text: `f follow${o.follow ? ' (on)' : ''}`, rank: 5 }, { text: '/ search', rank: 7 },
    { text: 'r running', rank: 8 }, { text: ': gen', rank: 9 }, { text: 'z best path', rank: 10 }, { text: 'q quit', rank: 0 },
  ];
  const all = [{ text: o.notice, rank: -1 }, { text: o.position, rank: 6 }, ...hints].filter((h) => h.text);
  const kept = new Set<string>();
  let used = 0;
  for (const h of [...all].sort((a, b) => a.rank - b.rank)) {
    const need = (kept.size ? 2 : 0) + h.text.length;
    if (used + need > width) continue;
    kept.add(h.text);
    used += need;
  }
  return truncate(all.map((h) => h.text).filter((t) => kept.has(t)).join('  '), width);
}

/** The prompt line of `/` (search) and `:` (generation), with a cursor. */
export function promptLine(width: number, prompt: { kind: 'search' | 'generation'; text: string }): string {
  const label = prompt.kind === 'search' ? 'search id or goal: ' : 'go to generation: ';
  const hint = '  (enter: go, esc: cancel)';
  const line = `${label}${prompt.text}▏`;
  return truncate(line.length + hint.length <= width ? line + hint : line, width);
}
