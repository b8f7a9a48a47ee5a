import chalk from 'chalk';
import { Text, Transform } from 'ink';

/** A run of text in one style (a colour name chalk knows, e.g. 'green'; undefined when colours are off). */
export interface Span {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export interface LineProps {
  spans: readonly Span[];
  /** The columns the line may take: a longer line is cut by Ink (wrap="truncate"). */
  width: number;
  /** The style of the whole line (the selected row is inverse). */
  line?: Omit<Span, 'text'>;
}

/**
 * Characters that take exactly one terminal cell, for Ink's measure (string-width, ambiguous as narrow) as for the
 * terminal: printable ASCII and Latin-1, the punctuation, arrows, box drawing, blocks, shapes and braille (the
 * spinner) the view draws, and U+FFFD (what safeText puts for a control character). No control character, no
 * combining mark, no emoji, nothing wide: test/tui/line.test.tsx checks each against string-width.
 */
export const ONE_CELL_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], [0xa0, 0xac], [0xae, 0xff], [0x2010, 0x2027], [0x2030, 0x203a], [0x2190, 0x2199], [0x2212, 0x2212],
  [0x2500, 0x25fc], [0x25ff, 0x25ff], [0x2605, 0x2606], [0x2713, 0x2713], [0x2717, 0x2717], [0x2800, 0x28ff],
  [0xfffd, 0xfffd],
];
const hex = (n: number) => `\\u${n.toString(16).padStart(4, '0')}`;
const ONE_CELL = new RegExp(`^[${ONE_CELL_RANGES.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('')}]*$`);

/** Applies a span's style as Ink's <Text> does (dim, colour, bold, inverse, in that order), through the same chalk. */
function styled(text: string, s: Omit<Span, 'text'>): string {
  let out = text;
  if (s.dim) out = chalk.dim(out);
  if (s.color) out = chalk[s.color as ForegroundColor](out);
  if (s.bold) out = chalk.bold(out);
  if (s.inverse) out = chalk.inverse(out);
  return out;
}
type ForegroundColor = 'gray' | 'cyan' | 'blue' | 'green' | 'red' | 'yellow' | 'magenta';
const isChalkColor = (color: string | undefined) => color === undefined || typeof (chalk as unknown as Record<string, unknown>)[color] === 'function';

/** Whether Ink would lay the line out as it is: one cell per character, no wider than `width`, known colours. */
export function drawsAsIs(spans: readonly Span[], width: number, line?: Omit<Span, 'text'>): boolean {
  let length = 0;
  for (const s of spans) {
    if (!ONE_CELL.test(s.text) || !isChalkColor(s.color)) return false;
    length += s.text.length;
  }
  return length <= width && isChalkColor(line?.color);
}

/**
 * One terminal line of styled spans. Ink measures every text node's width on each frame (string-width runs Unicode
 * segmentation over any line that is not pure ASCII, and a tree row always has box-drawing guides) and merges nested
 * <Text> elements; for a 120×40 screen that was most of a frame. A line that Ink would lay out exactly as it is
 * (drawsAsIs) is therefore styled once, here, into one string with the same escape codes <Text> would make, and handed
 * to Ink through <Transform> on a one-cell placeholder: Ink writes the same characters in the same styles, without
 * measuring them. Any other line (a wide character, a control character, too long) is drawn with nested <Text>, as
 * before, and Ink measures, sanitises and cuts it.
 */
export function Line({ spans, width, line = {} }: LineProps) {
  if (drawsAsIs(spans, width, line)) {
    const text = styled(spans.map((s) => styled(s.text, s)).join(''), line);
    if (text) return <Transform transform={() => text}>{' '}</Transform>;
  }
  return (
    <Text wrap="truncate" color={line.color} bold={line.bold} dimColor={line.dim} inverse={line.inverse}>
      {spans.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>{s.text}</Text>
      ))}
    </Text>
  );
}
