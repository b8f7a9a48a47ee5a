/**
 * Test counts from a report the runner asks the framework to write, where it can without changing the frozen
 * command, into a directory the runner chose: node:test takes reporters from NODE_OPTIONS, so every `node --test` the
 * test command starts (nested or not) also runs the runner's reporter (node-test-reporter.mjs); Jest, which prints
 * its summary on stderr, is asked for its JSON results by a module NODE_OPTIONS preloads (jest-report.cjs). A report
 * is a test framework's own count: printed lines cannot forge it. Other frameworks are read from standard output
 * (testcounts.ts).
 */
import { lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EVOLVE_HOME } from '../../home.ts';

export const NODE_TEST_REPORTER = path.join(EVOLVE_HOME, 'src', 'evolve', 'judge', 'node-test-reporter.mjs');
export const JEST_REPORT = path.join(EVOLVE_HOME, 'src', 'evolve', 'judge', 'jest-report.cjs');
/** The runner's files the judged test process must see (read-only). */
export const REPORT_MODULES = [NODE_TEST_REPORTER, JEST_REPORT];

const NodeTestReport = z.object({ v: z.literal(1), pass: z.number().int().nonnegative(), fail: z.number().int().nonnegative().default(0) }).passthrough();
const JestReport = z.object({ numPassedTests: z.number().int().nonnegative(), numFailedTests: z.number().int().nonnegative() }).passthrough();

/**
 * The environment that makes node:test and Jest write reports into `dir`. No node:test reporters are added when the
 * commands choose their own (node refuses reporters without as many destinations).
 */
export function reportEnv(commands: readonly string[], dir: string): Record<string, string> {
  const nodeTest = commands.some((c) => c.includes('--test-reporter'))
    ? '' : ` --test-reporter=spec --test-reporter-destination=stdout --test-reporter="${NODE_TEST_REPORTER}" --test-reporter-destination=/dev/null`;
  return { NODE_OPTIONS: `--require "${JEST_REPORT}"${nodeTest}`, EVOLVE_TEST_REPORT_DIR: dir };
}

/** An empty report directory for one test process. */
export async function freshReportDir(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * The reported runs' totals added up (node:test runs and Jest runs), or null when no run wrote a report. A file that
 * is not a report — the directory is writable from inside the jail — makes the counts unreadable rather than trusted.
 */
export async function readReports(dir: string): Promise<Reported | 'unreadable' | null> {
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  if (names.length === 0) return null;
  let passed = 0;
  let failed = 0;
  let source: Reported['source'] | null = null;
  for (const name of names) {
    const kind = /^node-test-\d+-\d+\.json$/.test(name) ? 'node-test' : /^jest-\d+-\d+\.json$/.test(name) ? 'jest' : null;
    if (!kind) return 'unreadable';
    // Never follow a link or read a large file: the directory was writable from inside the jail.
    const info = await lstat(path.join(dir, name)).catch(() => null);
    if (!info?.isFile() || info.size > 16 * 1024 * 1024) return 'unreadable';
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
    } catch {
      return 'unreadable';
    }
    const counts = kind === 'jest' ? readJest(parsed) : readNodeTest(parsed);
    if (!counts) return 'unreadable';
    passed += counts.passed;
    failed += counts.failed;
    source ??= kind;
  }
  return { passed, failed, runs: names.length, source: source! };
}

function readJest(value: unknown): { passed: number; failed: number } | null {
  const r = JestReport.safeParse(value);
  return r.success ? { passed: r.data.numPassedTests, failed: r.data.numFailedTests } : null;
}

function readNodeTest(value: unknown): { passed: number; failed: number } | null {
  const r = NodeTestReport.safeParse(value);
  return r.success ? { passed: r.data.pass, failed: r.data.fail } : null;
}

export interface Reported { passed: number; failed: number; runs: number; source: 'node-test' | 'jest' }
