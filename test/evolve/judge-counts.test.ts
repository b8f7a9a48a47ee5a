/**
 * The tests' verdict rules (src/evolve/judge/counts.ts), stub counting (src/tools/stubs.ts) and the duplicate
 * registry (src/evolve/judge/duplicate.ts): pure or nearly, so tables of cases.
 */
import { describe, expect, it } from 'vitest';
import { judgeCounts } from '../../src/evolve/judge/counts.ts';
import { Duplicates, type Verdict } from '../../src/evolve/judge/duplicate.ts';
import { stubsAdded } from '../../src/tools/stubs.ts';

const run = (stdout: string, exitCode = 0) => ({ stdout, exitCode, signal: null, timedOut: false });
const vitestParent = { tests: 3, source: 'vitest' as const };

describe('judgeCounts', () => {
  it('passes a child whose summary is read with the parent framework', () => {
    expect(judgeCounts(run(' Tests  4 passed (4)\n'), vitestParent)).toMatchObject({ status: 'passed', counts: { passed: 4, failed: 0 } });
  });

  it('fails a child whose counts cannot be read where the parent counts could, whatever its exit code', () => {
    const silent = judgeCounts(run('all good\n', 0), vitestParent);
    expect(silent.status).toBe('failed');
    expect(silent.reason).toMatch(/^test counts unreadable: no vitest summary/);
    const other = judgeCounts(run('40 passed, 0 failed\n', 0), vitestParent);
    expect(other).toMatchObject({ status: 'failed' });
    expect(other.reason).toMatch(/found a plain summary/);
  });

  it('rejects fewer tests than the parent and fails failures', () => {
    expect(judgeCounts(run(' Tests  2 passed (2)\n'), vitestParent)).toMatchObject({ status: 'rejected', reason: 'tests removed: 2 < 3 in the parent' });
    expect(judgeCounts(run(' Tests  1 failed | 3 passed (4)\n', 1), vitestParent)).toMatchObject({ status: 'failed' });
    expect(judgeCounts(run(' Tests  4 passed (4)\n', 1), vitestParent)).toMatchObject({ status: 'failed' });
  });

  it('judges by exit code only when the parent was judged so too', () => {
    const parent = { tests: 1, source: 'exit-code' as const };
    expect(judgeCounts(run('fine', 0), parent)).toMatchObject({ status: 'passed', counts: { source: 'exit-code' } });
    expect(judgeCounts(run('fine', 2), parent)).toMatchObject({ status: 'failed' });
  });

  it('fails a timeout', () => {
    expect(judgeCounts({ ...run(' Tests  9 passed (9)\n'), timedOut: true }, vitestParent)).toMatchObject({ status: 'failed', reason: 'tests timed out' });
  });
});

describe('stubsAdded', () => {
  const tag = 'TO' + 'DO';
  it('counts markers on added lines of code files only', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts', '--- a/src/a.ts', '+++ b/src/a.ts', '@@ -1,0 +1,4 @@',
      `+// ${tag}: later`, "+throw new Error('not implemented');", '+const todos = [todo];', `-// ${tag} removed`,
      'diff --git a/README.md b/README.md', '+++ b/README.md', `+${tag}: write docs`,
      'diff --git a/x.py b/x.py', '+++ b/x.py', '+    raise NotImplementedError', '+++ /dev/null', `+// ${tag}`,
    ].join('\n');
    expect(stubsAdded(diff)).toBe(3);
  });
});

describe('Duplicates', () => {
  const verdict: Verdict = { status: 'passed', reason: null, buildOk: true, counts: { passed: 2, failed: 0, source: 'tap' }, via: 'stdout' };
  it('hands a second candidate with the same tree the first one verdict, waiting for it', async () => {
    const d = new Duplicates();
    const claim = d.start('tree', 'a');
    expect(d.find('tree', 'a')).toBeNull();
    const waiting = d.find('tree', 'b')!;
    expect(waiting.candidateId).toBe('a');
    claim.resolve(verdict);
    expect(await waiting.verdict).toEqual(verdict);
  });

  it('forgets an interrupted judgement, so the next is judged afresh', async () => {
    const d = new Duplicates();
    const claim = d.start('tree', 'a');
    claim.resolve(null);
    await Promise.resolve();
    expect(d.find('tree', 'b')).toBeNull();
  });
});

describe('a framework that prints its summary on stderr and writes no report (Bun)', () => {
  it('is read from stderr for the whole lineage when the seed has no summary on stdout', () => {
    const bun = { stdout: '', stderr: ' 3 pass\n 0 fail\nRan 3 tests across 1 files.\n', exitCode: 0, signal: null, timedOut: false };
    const seed = judgeCounts(bun, null);
    expect(seed).toMatchObject({ via: 'stderr', counts: { passed: 3, failed: 0, source: 'bun' } });
    const child = judgeCounts({ ...bun, stdout: ' Tests  40 passed (40)\n' }, { tests: seed.counts.passed, source: seed.counts.source, via: 'stderr' });
    expect(child).toMatchObject({ via: 'stderr', counts: seed.counts });
  });

  it('never for a seed whose stdout has its summary: a stderr line in a child then counts nothing', () => {
    const child = judgeCounts({ stdout: 'all good\n', stderr: ' Tests  40 passed (40)\n', exitCode: 0, signal: null, timedOut: false }, vitestParent);
    expect(child.status).toBe('failed');
    expect(child.reason).toMatch(/^test counts unreadable/);
  });
});
