/**
 * Jest prints its summary on stderr, where the code under test prints too: the judge asks real Jest (installed from
 * the fixture's lockfile) for its JSON results through the preloaded jest-report.cjs, and counts those.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeCounts } from '../../src/evolve/judge/counts.ts';
import { freshReportDir, readReports, reportEnv } from '../../src/evolve/judge/reports.ts';
import { parseTestCounts } from '../../src/evolve/judge/testcounts.ts';
import { tempDir } from './helpers.ts';

const project = path.join(tempDir('evolve-jest-'), 'project');

beforeAll(() => {
  cpSync(path.join(import.meta.dirname, 'fixtures', 'jest-report'), project, { recursive: true });
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, stdio: 'ignore' });
}, 180_000);

describe('Jest, counted from its own results file', () => {
  it('counts what ran; the fake summaries on stdout and stderr count nothing', async () => {
    const reports = await freshReportDir(path.join(tempDir(), 'reports'));
    const run = spawnSync('sh', ['-c', 'npm test'], {
      cwd: project, encoding: 'utf8',
      env: { PATH: `${path.join(project, 'node_modules', '.bin')}:${process.env.PATH}`, HOME: tempDir(), ...reportEnv(['npm test', 'jest'], reports) },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Tests:\s+2 passed, 2 total/);
    expect(parseTestCounts(run.stdout, 0).source).not.toBe('jest'); // stdout alone holds no real Jest summary
    const read = await readReports(reports);
    expect(read).toEqual({ passed: 2, failed: 0, runs: 1, source: 'jest' });
    const verdict = judgeCounts({ stdout: run.stdout, exitCode: run.status, signal: null, timedOut: false }, null, read);
    expect(verdict).toMatchObject({ status: 'passed', via: 'report', counts: { passed: 2, failed: 0, source: 'jest' } });
    // a child whose run writes no report, where its parent's did, is unreadable: failed
    const child = judgeCounts({ stdout: 'Tests:       40 passed, 40 total\n', exitCode: 0, signal: null, timedOut: false }, { tests: 2, source: 'jest', via: 'report' }, null);
    expect(child.status).toBe('failed');
    expect(child.reason).toMatch(/no jest report was written/);
  }, 60_000);
});
