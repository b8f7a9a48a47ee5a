/**
 * Test counts from a test command's output. Recognised, in this order (the last summary of a kind wins):
 * vitest, jest, node:test (`# pass N` / `ℹ pass N`), mocha (`N passing`), a plain `N passed, N failed` line, TAP
 * `ok` / `not ok` lines. When nothing is recognised the exit code decides: 1 passed or 1 failed.
 */
export type CountSource = 'vitest' | 'jest' | 'node-test' | 'mocha' | 'plain' | 'tap' | 'exit-code';

export interface TestCounts { passed: number; failed: number; source: CountSource }

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

const MAX_SUMMARY_LINE = 500;

type Parser = (lines: string[]) => { passed: number; failed: number } | null;

const last = <T>(items: T[]): T | undefined => items[items.length - 1];

function field(text: string, word: string): number {
  const m = new RegExp(`(\\d+)\\s+${word}`).exec(text);
  return m ? Number(m[1]) : 0;
}

const vitest: Parser = (lines) => {
  const line = last(lines.filter((l) => /^\s*Tests\s+.*\(\d+\)\s*$/.test(l) && /\d+ (passed|failed)/.test(l)));
  return line ? { passed: field(line, 'passed'), failed: field(line, 'failed') } : null;
};

const jest: Parser = (lines) => {
  const line = last(lines.filter((l) => /^\s*Tests:\s+.*\d+ total/.test(l)));
  return line ? { passed: field(line, 'passed'), failed: field(line, 'failed') } : null;
};

const nodeTest: Parser = (lines) => {
  const pass = last(lines.filter((l) => /^\s*(#|ℹ)\s*pass \d+\s*$/.test(l)));
  const fail = last(lines.filter((l) => /^\s*(#|ℹ)\s*fail \d+\s*$/.test(l)));
  if (!pass && !fail) return null;
  const n = (l?: string) => (l ? Number(/(\d+)/.exec(l)![1]) : 0);
  return { passed: n(pass), failed: n(fail) };
};

const mocha: Parser = (lines) => {
  const pass = last(lines.filter((l) => /^\s*\d+ passing\b/.test(l)));
  if (!pass) return null;
  const fail = last(lines.filter((l) => /^\s*\d+ failing\b/.test(l)));
  return { passed: field(pass, 'passing'), failed: fail ? field(fail, 'failing') : 0 };
};

const plain: Parser = (lines) => {
  const line = last(lines.filter((l) => /\b\d+ passed,\s*\d+ failed\b/i.test(l)));
  return line ? { passed: field(line.toLowerCase(), 'passed'), failed: field(line.toLowerCase(), 'failed') } : null;
};

const tap: Parser = (lines) => {
  // Top-level results only: indented lines are subtests, whose parent carries the verdict.
  const ok = lines.filter((l) => /^ok\b/.test(l)).length;
  const notOk = lines.filter((l) => /^not ok\b/.test(l) && !/#\s*TODO/i.test(l)).length;
  return ok + notOk > 0 ? { passed: ok, failed: notOk } : null;
};

const PARSERS: [CountSource, Parser][] = [
  ['vitest', vitest], ['jest', jest], ['node-test', nodeTest], ['mocha', mocha], ['plain', plain], ['tap', tap],
];

export function parseTestCounts(output: string, exitCode: number | null): TestCounts {
  // A summary line is short. Longer lines are skipped: the patterns below are quadratic on a long run of spaces, and
  // the output is the candidate's (one 256 KB line of them blocked the runner's event loop for minutes).
  const lines = output.replace(ANSI, '').split(/\r?\n/).filter((l) => l.length <= MAX_SUMMARY_LINE);
  for (const [source, parse] of PARSERS) {
    const counts = parse(lines);
    if (counts) return { ...counts, source };
  }
  return exitCode === 0 ? { passed: 1, failed: 0, source: 'exit-code' } : { passed: 0, failed: 1, source: 'exit-code' };
}
