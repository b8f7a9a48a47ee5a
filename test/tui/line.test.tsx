/**
 * <Line> draws the same screen as the nested <Text> elements it replaces, colours included, whichever path it takes:
 * styled once and handed to Ink unmeasured when Ink would lay the line out as it is, or drawn as <Text> (measured,
 * sanitised, cut by Ink) otherwise. The first path rests on ONE_CELL_RANGES: every character in it must be one cell
 * for Ink's own measure.
 */
import chalk from 'chalk';
import { Box, renderToString, Text } from 'ink';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawsAsIs, Line, ONE_CELL_RANGES, type Span } from '../../src/tui/components/Line.tsx';

/** What the components drew before <Line>: an outer <Text> (the line's style, cut to the width) around one per span. */
function nested(spans: readonly Span[], line: Omit<Span, 'text'> = {}) {
  return (
    <Text wrap="truncate" color={line.color} bold={line.bold} dimColor={line.dim} inverse={line.inverse}>
      {spans.map((s, i) => <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>{s.text}</Text>)}
    </Text>
  );
}

const CASES: { name: string; spans: Span[]; line?: Omit<Span, 'text'>; fast: boolean }[] = [
  {
    name: 'a selected tree row', line: { inverse: true }, fast: true, spans: [
      { text: '★ ', color: 'yellow', bold: true }, { text: '│  ├─ ▾ d3e4f5a6', bold: true },
      { text: ' ⠋ modify    ', color: 'cyan' }, { text: '   0.83   g2    +58/−12  $0.21 Cache parsed…' },
    ],
  },
  { name: 'a header line', fast: true, spans: [{ text: ' STAND-IN MODEL ', color: 'yellow', bold: true, inverse: true }, { text: '  ' }, { text: 'evolve 20261125', bold: true }] },
  { name: 'a dim rule', fast: true, spans: [{ text: '─'.repeat(40), dim: true }] },
  { name: 'a detail line', fast: true, spans: [{ text: 'tools  ', dim: true }, { text: '✗ bash  npm test (1m02s)', color: 'red' }] },
  { name: 'hints on a notice', line: { color: 'red' }, fast: true, spans: [{ text: 'database: locked  ↑↓/jk move  q quit' }] },
  { name: 'a wide goal (Ink measures and cuts it)', fast: false, spans: [{ text: '● ', color: 'green' }, { text: '重构解析器 以便缓存配置 '.repeat(6) }] },
  { name: 'an emoji', fast: false, spans: [{ text: 'done ✅ ok' }] },
  { name: 'a control character (Ink sanitises it)', fast: false, spans: [{ text: 'evil \u001b[2J goal' }] },
  { name: 'a line longer than the width', fast: false, spans: [{ text: 'x'.repeat(100), color: 'green' }] },
];

const WIDTH = 80;
const draw = (el: React.ReactElement) => renderToString(<Box flexDirection="column" width={WIDTH}>{el}</Box>, { columns: WIDTH });

describe('Line', () => {
  let level: typeof chalk.level;
  beforeAll(() => {
    level = chalk.level;
    chalk.level = 3; // colours on, as in a terminal (a test's stdout is not one)
  });
  afterAll(() => {
    chalk.level = level;
  });

  for (const c of CASES) {
    it(`draws ${c.name} as the nested <Text> did${c.fast ? ', without Ink measuring it' : ''}`, () => {
      expect(drawsAsIs(c.spans, WIDTH, c.line)).toBe(c.fast);
      const expected = draw(nested(c.spans, c.line));
      expect(draw(<Line spans={c.spans} width={WIDTH} line={c.line} />)).toBe(expected);
      if (c.name.startsWith('a selected')) expect(expected).toContain('\u001b[7m'); // the colours are really compared
    });
  }

  it('draws several lines in a column as before', () => {
    const lines = CASES.map((c, i) => ({ ...c, key: i }));
    expect(draw(<>{lines.map((c) => <Line key={c.key} spans={c.spans} width={WIDTH} line={c.line} />)}</>))
      .toBe(draw(<>{lines.map((c) => <Box key={c.key}>{nested(c.spans, c.line)}</Box>)}</>));
  });
});

describe('ONE_CELL_RANGES', () => {
  it('holds only characters Ink measures as one cell', () => {
    const wider: string[] = [];
    for (const [from, to] of ONE_CELL_RANGES) {
      for (let code = from; code <= to; code++) {
        const ch = String.fromCodePoint(code);
        if (stringWidth(ch) !== 1) wider.push(`U+${code.toString(16)}`);
      }
    }
    expect(wider).toEqual([]);
  });
});
