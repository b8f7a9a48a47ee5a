/**
 * Test counts from a test command's output. One reader per framework, tried in this order; the first that finds
 * its summary decides, and every summary it finds is added up (a command that runs the suite twice, `test:node &&
 * test:browser` both under Jest, ran the tests of both):
 *   vitest (`Tests  2 failed | 5 passed (7)`), jest (`Tests:  1 failed, 5 passed, 6 total`), node:test and tape
 *   (`# pass N` / `ℹ pass N`), mocha (`N passing`, `N failing`), uvu (`Total: N`, `Passed: N`, `Skipped: N`), ava
 *   (`N tests passed`, `N test failed`, or the ✔ lines of a run that failed), node-tap (`# { total: N, pass: N,
 *   fail: N }`), Jasmine (`N specs, M failures, K pending specs`), Playwright test (`Running N tests using …` then
 *   `N passed (…)`, `N failed`, `N flaky`), Bun (`N pass`, `N fail`, `Ran N tests across …`), a plain
 *   `N passed, N failed` line (the last one), TAP `ok` / `not ok` lines. When nothing is recognised the exit code
 *   decides: 1 passed or 1 failed. Skipped, pending and todo tests count as neither.
 * Real output of each framework is in test/evolve/fixtures/testcounts/.
 */
export type CountSource =
  | 'vitest' | 'jest' | 'node-test' | 'mocha' | 'uvu' | 'ava' | 'node-tap' | 'jasmine' | 'playwright' | 'bun'
  | 'plain' | 'tap' | 'exit-code';

export interface TestCounts { passed: number; failed: number; source: CountSource }

interface Tally { passed: number; failed: number }

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

const MAX_SUMMARY_LINE = 500;

/** A reader: every summary of its framework in the output, or an empty list. */
type Reader = (lines: string[]) => Tally[];

function field(text: string, word: string): number {
  const m = new RegExp(`(\\d+)\\s+${word}`).exec(text);
  return m ? Number(m[1]) : 0;
}

const num = (line: string | undefined): number => (line ? Number(/(\d+)/.exec(line)![1]) : 0);

/** Each line matching `summary`, read by `read`. */
const eachLine = (summary: RegExp, read: (line: string) => Tally): Reader => (lines) => lines.filter((l) => summary.test(l)).map(read);

const vitest = eachLine(/^\s*Tests\s+.*\d+ (passed|failed).*\(\d+\)\s*$/, (l) => ({ passed: field(l, 'passed'), failed: field(l, 'failed') }));

const jest = eachLine(/^\s*Tests:\s+.*\d+ total/, (l) => ({ passed: field(l, 'passed'), failed: field(l, 'failed') }));

/** node:test (`# pass 3` then `# fail 1`, or `ℹ`), and tape (`# pass  3`): a pass line opens a summary. */
const nodeTest: Reader = (lines) => {
  const out: Tally[] = [];
  for (const l of lines) {
    if (/^\s*(#|ℹ)\s*pass\s+\d+\s*$/.test(l)) out.push({ passed: num(l), failed: 0 });
    else if (/^\s*(#|ℹ)\s*fail\s+\d+\s*$/.test(l)) {
      if (out.length === 0 || out[out.length - 1].failed > 0) out.push({ passed: 0, failed: 0 });
      out[out.length - 1].failed = num(l);
    }
  }
  return out;
};

/** mocha: `N passing`, then `N failing` when some failed (a failing line belongs to the passing line before it). */
const mocha: Reader = (lines) => {
  const out: Tally[] = [];
  for (const l of lines) {
    if (/^\s*\d+ passing\b/.test(l)) out.push({ passed: num(l), failed: 0 });
    else if (/^\s*\d+ failing\b/.test(l) && out.length > 0) out[out.length - 1].failed = num(l);
  }
  return out;
};

/** uvu: `Total: N` then `Passed: N` and `Skipped: N`; the rest failed. */
const uvu: Reader = (lines) => {
  const out: Tally[] = [];
  let total: number | null = null;
  let passed = 0;
  for (const l of lines) {
    if (/^\s*Total:\s+\d+\s*$/.test(l)) total = num(l);
    else if (total !== null && /^\s*Passed:\s+\d+\s*$/.test(l)) passed = num(l);
    else if (total !== null && /^\s*Skipped:\s+\d+\s*$/.test(l)) {
      out.push({ passed, failed: Math.max(0, total - passed - num(l)) });
      total = null;
      passed = 0;
    }
  }
  return out;
};

/**
 * ava: a block of summary lines after the test lines (`N tests passed`, `N test failed`, `N known failure`, ...). A
 * run with failures does not say how many passed: those are its ✔ lines since the previous summary.
 */
const AVA_SUMMARY = /^\s*(\d+) (tests? (passed|failed|skipped|todo)|known failures?|uncaught exceptions?|unhandled rejections?)\s*$/;

const ava: Reader = (lines) => {
  const out: Tally[] = [];
  let ticks = 0;
  let open: { passed: number | null; failed: number } | null = null;
  const close = () => {
    if (open) out.push({ passed: open.passed ?? ticks, failed: open.failed });
    open = null;
    ticks = 0;
  };
  for (const l of lines) {
    const m = AVA_SUMMARY.exec(l);
    if (m) {
      open ??= { passed: null, failed: 0 };
      if (m[3] === 'passed') open.passed = Number(m[1]);
      else if (m[3] === 'failed' || /uncaught|unhandled/.test(m[2])) open.failed += Number(m[1]);
    } else if (/^\s*[✔✘] /.test(l)) {
      if (open) close();
      if (l.trim().startsWith('✔')) ticks++;
    }
  }
  close();
  return out;
};

/** node-tap: `# { total: 12, pass: 11, fail: 1, skip: 2 }` (its TAP stream's closing comment). */
const nodeTap = eachLine(/^#\s*\{\s*total:\s*\d+.*\}\s*$/, (l) => ({ passed: Number(/pass:\s*(\d+)/.exec(l)?.[1] ?? 0), failed: Number(/fail:\s*(\d+)/.exec(l)?.[1] ?? 0) }));

/** Jasmine: `3 specs, 1 failure, 1 pending spec`. */
const jasmine = eachLine(/^\s*\d+ specs?, \d+ failures?(, \d+ pending specs?)?\s*$/, (l) => {
  const specs = num(l);
  const failed = field(l, 'failures?');
  return { passed: Math.max(0, specs - failed - field(l, 'pending')), failed };
});

/** Playwright test: after `Running N tests using …`, `N passed (1.2s)`, `N failed`, `N flaky` (passed on retry). */
const playwright: Reader = (lines) => {
  const out: Tally[] = [];
  for (const l of lines) {
    if (/^\s*Running \d+ tests? using \d+ workers?/.test(l)) out.push({ passed: 0, failed: 0 });
    else if (out.length === 0) continue;
    else if (/^\s*\d+ (passed|flaky)( \(.*\))?\s*$/.test(l)) out[out.length - 1].passed += num(l);
    else if (/^\s*\d+ (failed|interrupted)\s*$/.test(l)) out[out.length - 1].failed += num(l);
  }
  return out;
};

/** Bun: ` 2 pass` and ` 1 fail`, closed by `Ran 3 tests across 2 files.` */
const bun: Reader = (lines) => {
  const out: Tally[] = [];
  let passed = 0;
  let failed = 0;
  for (const l of lines) {
    if (/^\s*\d+ pass\s*$/.test(l)) passed = num(l);
    else if (/^\s*\d+ fail\s*$/.test(l)) failed = num(l);
    else if (/^Ran \d+ tests? across \d+ files?\./.test(l)) {
      out.push({ passed, failed });
      passed = failed = 0;
    }
  }
  return out;
};

/** A plain `N passed, N failed` line: not a framework's, so only the last one counts. */
const plain: Reader = (lines) => {
  const line = lines.filter((l) => /\b\d+ passed,\s*\d+ failed\b/i.test(l)).pop();
  return line ? [{ passed: field(line.toLowerCase(), 'passed'), failed: field(line.toLowerCase(), 'failed') }] : [];
};

const tap: Reader = (lines) => {
  // Top-level results only: indented lines are subtests, whose parent carries the verdict.
  const ok = lines.filter((l) => /^ok\b/.test(l)).length;
  const notOk = lines.filter((l) => /^not ok\b/.test(l) && !/#\s*TODO/i.test(l)).length;
  return ok + notOk > 0 ? [{ passed: ok, failed: notOk }] : [];
};

const READERS: [CountSource, Reader][] = [
  ['vitest', vitest], ['jest', jest], ['node-test', nodeTest], ['mocha', mocha], ['uvu', uvu], ['ava', ava],
  ['node-tap', nodeTap], ['jasmine', jasmine], ['playwright', playwright], ['bun', bun], ['plain', plain], ['tap', tap],
];

export function parseTestCounts(output: string, exitCode: number | null): TestCounts {
  // A summary line is short. Longer lines are skipped: the patterns below are quadratic on a long run of spaces, and
  // the output is the candidate's (one 256 KB line of them blocked the runner's event loop for minutes).
  const lines = output.replace(ANSI, '').split(/\r?\n/).filter((l) => l.length <= MAX_SUMMARY_LINE);
  for (const [source, read] of READERS) {
    const found = read(lines);
    if (found.length > 0) {
      return { passed: found.reduce((a, t) => a + t.passed, 0), failed: found.reduce((a, t) => a + t.failed, 0), source };
    }
  }
  return exitCode === 0 ? { passed: 1, failed: 0, source: 'exit-code' } : { passed: 0, failed: 1, source: 'exit-code' };
}
