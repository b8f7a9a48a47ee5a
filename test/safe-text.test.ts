import { describe, expect, it } from 'vitest';
import { safeLine, safeText } from '../src/safe-text.ts';

const ESC = '\u001b';
const hostile = `ok\n${ESC}[2J${ESC}]52;c;aGk=\u0007\tend\r\u0000\u007f\u009b`;

describe('text a model wrote, made safe', () => {
  it('replaces every control character a terminal acts on (C0, DEL, C1), keeping newlines and tabs', () => {
    expect(safeText(hostile)).toBe('ok\n\ufffd[2J\ufffd]52;c;aGk=\ufffd\tend\ufffd\ufffd\ufffd\ufffd');
  });

  it('as one line: line breaks and tabs become a space first (a \\r cannot rewrite the line)', () => {
    expect(safeLine(hostile)).toBe('ok \ufffd[2J\ufffd]52;c;aGk=\ufffd end \ufffd\ufffd\ufffd');
    expect(safeLine('a\r\n\tb')).toBe('a b');
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    expect(safeText('Grüße — ✓ 🚀')).toBe('Grüße — ✓ 🚀');
  });
});
