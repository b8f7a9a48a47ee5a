import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, selfCheck } from '../../src/agent/selfcheck.ts';

describe('self-check', () => {
  it('passes when every command passes, skipping empty ones', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'evolve-check-'));
    const result = await selfCheck({ cwd, timeoutMs: 10_000, commands: [{ name: 'build', command: '' }, { name: 'test', command: 'echo fine' }] });
    expect(result).toEqual({ ok: true, report: 'test (`echo fine`): passed' });
  });

  it('stops at the first failure and reports the tail of its output', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'evolve-check-'));
    const seen: string[] = [];
    const result = await selfCheck({
      cwd, timeoutMs: 10_000, onResult: (name) => seen.push(name),
      commands: [{ name: 'build', command: 'echo compiling; echo "error TS2322" >&2; exit 2' }, { name: 'test', command: 'echo never' }],
    });
    expect(result.ok).toBe(false);
    expect(result.report).toMatch(/build .*FAILED \(exit code 2\)/);
    expect(result.report).toContain('error TS2322');
    expect(seen).toEqual(['build']);
  });

  it('kills the whole process group on timeout', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'evolve-check-'));
    const started = Date.now();
    const outcome = await runCommand('sleep 30 & sleep 30; echo unreachable', cwd, 300);
    expect(outcome).toMatchObject({ ok: false, timedOut: true });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
