/**
 * Test counts from a report the runner asks the framework to write, where it can without changing the frozen
 * command: node:test takes reporters from NODE_OPTIONS, so every `node --test` the test command starts (nested or
 * not) also runs the runner's reporter (node-test-reporter.mjs), which writes its totals into a directory the runner
 * chose. A report is a test framework's own count: printed lines cannot forge it. Other frameworks are read from
 * standard output (testcounts.ts).
 */
import { lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EVOLVE_HOME } from '../../home.ts';

export const NODE_TEST_REPORTER = path.join(EVOLVE_HOME, 'src', 'evolve', 'judge', 'node-test-reporter.mjs');

const Report = z.object({ v: z.literal(1), pass: z.number().int().nonnegative(), fail: z.number().int().nonnegative().default(0) }).passthrough();

/**
 * The environment that makes node:test write reports into `dir`; empty when the commands choose their own
 * node:test reporters (node refuses reporters without as many destinations, so none are added then).
 */
export function reportEnv(commands: readonly string[], dir: string): Record<string, string> {
  if (commands.some((c) => c.includes('--test-reporter'))) return {};
  return {
    NODE_OPTIONS: `--test-reporter=spec --test-reporter-destination=stdout --test-reporter="${NODE_TEST_REPORTER}" --test-reporter-destination=/dev/null`,
    EVOLVE_TEST_REPORT_DIR: dir,
  };
}

/** An empty report directory for one test process. */
export async function freshReportDir(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * The node:test runs' totals added up, or null when no run wrote a report. A file that is not a report — the
 * directory is writable from inside the jail — makes the counts unreadable rather than trusted.
 */
export async function readReports(dir: string): Promise<{ passed: number; failed: number; runs: number } | 'unreadable' | null> {
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  if (names.length === 0) return null;
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    if (!/^node-test-\d+-\d+\.json$/.test(name)) return 'unreadable';
    // Never follow a link or read a large file: the directory was writable from inside the jail.
    const info = await lstat(path.join(dir, name)).catch(() => null);
    if (!info?.isFile() || info.size > 64 * 1024) return 'unreadable';
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'unreadable';
    }
    const report = Report.safeParse(parsed);
    if (!report.success) return 'unreadable';
    passed += report.data.pass;
    failed += report.data.fail;
  }
  return { passed, failed, runs: names.length };
}
