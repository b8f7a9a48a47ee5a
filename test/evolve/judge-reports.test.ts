/**
 * node:test counted from the runner's own reporter (src/evolve/judge/reports.ts), with real `node --test` runs:
 * a summary the code under test prints is output, not a count; two runs in one command add up.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeCounts } from '../../src/evolve/judge/counts.ts';
import { freshReportDir, readReports, reportEnv } from '../../src/evolve/judge/reports.ts';
import { tempDir } from './helpers.ts';

function project(files: Record<string, string>): string {
  const dir = tempDir('evolve-node-test-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function runTests(dir: string, command: string) {
  const reports = await freshReportDir(path.join(tempDir(), 'reports'));
  let stdout = '';
  let code = 0;
  try {
    stdout = execFileSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH!, ...reportEnv([command], reports) }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    stdout = String((err as { stdout: string }).stdout);
    code = (err as { status: number }).status;
  }
  return { stdout, code, reports: await readReports(reports), dir: reports };
}

const FAKER = "import test from 'node:test';\ntest('real', () => { console.log('ℹ pass 40'); console.log('# pass 40'); console.log(' Tests  40 passed (40)'); });\n";

describe('node:test reports', () => {
  it('count what ran, not what the code under test printed', async () => {
    const dir = project({ 'test/a.test.mjs': FAKER, 'test/b.test.mjs': "import test from 'node:test';\ntest('b', () => {});\n" });
    const r = await runTests(dir, 'node --test');
    expect(r.stdout).toContain('ℹ pass 40');
    expect(r.reports).toEqual({ passed: 2, failed: 0, runs: 1, source: 'node-test' });
    const verdict = judgeCounts({ stdout: r.stdout, exitCode: r.code, signal: null, timedOut: false }, null, r.reports);
    expect(verdict).toMatchObject({ status: 'passed', via: 'report', counts: { passed: 2, failed: 0, source: 'node-test' } });
  });

  it('add up two runs of one command, failures included', async () => {
    const dir = project({ 'a/x.test.mjs': "import test from 'node:test';\ntest('x', () => {});\ntest('y', () => {});\n", 'b/z.test.mjs': "import test from 'node:test';\ntest('z', () => { throw new Error('no'); });\n" });
    const r = await runTests(dir, 'node --test a/; node --test b/');
    expect(r.reports).toEqual({ passed: 2, failed: 1, runs: 2, source: 'node-test' });
  });

  it('are unreadable when something else sits in the directory, and missing where the parent had them', async () => {
    const dir = project({ 'test/a.test.mjs': "import test from 'node:test';\ntest('a', () => {});\n" });
    const r = await runTests(dir, 'node --test');
    symlinkSync('/dev/zero', path.join(r.dir, 'node-test-1-1.json'));
    expect(await readReports(r.dir)).toBe('unreadable');
    const parent = { tests: 1, source: 'node-test' as const, via: 'report' as const };
    const missing = judgeCounts({ stdout: 'ℹ pass 40\n', exitCode: 0, signal: null, timedOut: false }, parent, null);
    expect(missing).toMatchObject({ status: 'failed' });
    expect(missing.reason).toMatch(/^test counts unreadable: no node-test report/);
  });

  it('are not asked for when the command picks its own node:test reporter (Jest still is)', () => {
    const env = reportEnv(['node --test --test-reporter=dot'], '/r');
    expect(env.NODE_OPTIONS).not.toContain('--test-reporter');
    expect(env.NODE_OPTIONS).toMatch(/^--require ".*jest-report\.cjs"$/);
  });
});
