/**
 * The report's only way to put text into markup. Every string that came from a run (goals, summaries, errors,
 * diffs, config values, ids) goes through `esc`, so a goal reading `<script>` stays those eight characters.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an HTML (or inline SVG) text node or a quoted attribute value. */
// eslint-disable-next-line no-control-regex
const SPECIAL = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const SPECIALS = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function esc(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  const s = String(text);
  // Most texts need nothing: one test instead of a replace keeps a 10,000-candidate page quick to build.
  if (!SPECIAL.test(s)) return s;
  return s.replace(SPECIALS, (c) => ENTITIES[c] ?? '\ufffd');
}

/** ` name="value"` for each defined entry (true → the bare name, false/undefined → nothing). */
export function attrs(entries: Record<string, string | number | boolean | null | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(entries)) {
    if (value === undefined || value === null || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${esc(value)}"`;
  }
  return out;
}

/** A number for a coordinate: at most one decimal, no trailing zeros, so 1,000 nodes stay small. */
export function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

export function score(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 1000 || (value !== 0 && Math.abs(value) < 0.001) ? value.toPrecision(4) : String(Math.round(value * 1000) / 1000);
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** The first line of a text, at most `max` characters, with an ellipsis when cut (still unescaped). */
export function firstLine(text: string | null | undefined, max: number): string {
  if (!text) return '';
  const line = text.trim().split('\n')[0].replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
