/** What is kept of a command's output, and the line that says why it failed (src/evolve/judge/output.ts). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstErrorLine, keptOutput, withFirstError } from '../../src/evolve/judge/output.ts';

const SAMPLES = path.join(import.meta.dirname, 'fixtures', 'testcounts');

describe('keptOutput', () => {
  it('keeps a short output as it is', () => {
    expect(keptOutput('a\nb\n')).toBe('a\nb\n');
  });

  it('keeps whole lines of the head and the tail, at least 16 KiB, and says what it cut', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'·'.repeat(20)}`);
    const kept = keptOutput(lines.join('\n'));
    const out = kept.split('\n');
    expect(Buffer.byteLength(kept)).toBeGreaterThanOrEqual(16 * 1024);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(24 * 1024 + 100);
    expect(out[0]).toBe(lines[0]);
    expect(out.at(-1)).toBe(lines.at(-1));
    const marker = out.findIndex((l) => l.startsWith('[evolve: '));
    expect(out[marker]).toMatch(/^\[evolve: \d+ lines \(\d+ bytes\) cut here\]$/);
    // every other line is a whole line of the output, in order
    const rest = out.filter((_, i) => i !== marker);
    const all = new Set(lines);
    expect(rest.every((l) => all.has(l))).toBe(true);
    const cut = Number(/(\d+) lines/.exec(out[marker])![1]);
    expect(rest.length + cut).toBe(lines.length);
  });

  it('keeps the end of one enormous line', () => {
    const kept = keptOutput(`${'a'.repeat(100_000)}THE END`);
    expect(kept.endsWith('THE END')).toBe(true);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(16 * 1024 + 100);
  });
});

describe('firstErrorLine', () => {
  it.each([
    ['jest finding nothing', 'Determining test suites to run...\nNo tests found, exiting with code 1\nRun with `--passWithNoTests` to exit with code 0\nNo files found in /w/.git/evolve/r/c.eval.\n', 'No tests found, exiting with code 1'],
    ['vite failing on a read-only node_modules', "(node:1) ExperimentalWarning: VM Modules\nfailed to load config from /w/vitest.config.mts\n\nError: EROFS: read-only file system, open '/w/node_modules/.vite-temp/vitest.config.mts.timestamp-1-2.mjs'\n", "Error: EROFS: read-only file system, open '/w/node_modules/.vite-temp/vitest.config.mts.timestamp-1-2.mjs'"],
    ['a TypeScript error', 'src/a.ts(3,7): error TS2322: Type \'string\' is not assignable to type \'number\'.\n', "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."],
    ['nothing error-like: the last line', 'building\nstill building\n', 'still building'],
  ])('%s', (_name, output, expected) => {
    expect(firstErrorLine(output)).toBe(expected);
  });

  it('names the failure in real framework output', () => {
    const read = (f: string) => readFileSync(path.join(SAMPLES, f), 'utf8');
    expect(firstErrorLine(read('jest.fail.stderr.txt'))).toBe('FAIL test/fail.test.ts');
    expect(firstErrorLine(read('mocha.fail.stdout.txt'))).toMatch(/AssertionError/);
    expect(firstErrorLine(read('vitest.fail.stderr.txt'))).toMatch(/AssertionError|FAIL/);
    expect(firstErrorLine('')).toBeNull();
    expect(withFirstError('tests failed (exit 1)', '')).toBe('tests failed (exit 1)');
  });
});
