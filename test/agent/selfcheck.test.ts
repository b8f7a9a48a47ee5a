import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildMemo, runCommand, runsWithin, selfCheck } from '../../src/agent/selfcheck.ts';

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

describe('self-check builds only when it can tell the agent something new', () => {
  const counting = (cwd: string) => `echo built >> ${join(cwd, '..', `${cwd.split('/').pop()}.builds`)}`;
  const builds = async (cwd: string) => (await readFile(join(cwd, '..', `${cwd.split('/').pop()}.builds`), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

  it('does not build again a workspace unchanged since its build passed, and does after a change', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'evolve-check-'));
    await writeFile(join(cwd, 'a.ts'), 'export const a = 1;\n');
    const memo = new BuildMemo();
    const check = () => selfCheck({ cwd, timeoutMs: 10_000, commands: [{ name: 'build', command: counting(cwd), memo }, { name: 'test', command: 'echo tested' }] });
    expect((await check()).ok).toBe(true);
    await writeFile(join(cwd, 'agent_context.json'), '{}'); // the agent's own record is not an input of the build
    const second = await check();
    expect(second.report).toContain('skipped, nothing changed since it passed');
    expect(await builds(cwd)).toBe(1);
    await writeFile(join(cwd, 'a.ts'), 'export const a = 2;\n');
    await check();
    expect(await builds(cwd)).toBe(2);
  });

  it('runs the build once when the test command builds first', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'evolve-check-'));
    const build = counting(cwd);
    const result = await selfCheck({ cwd, timeoutMs: 10_000, commands: [{ name: 'build', command: build }, { name: 'test', command: `(${build}) && (echo tested)` }] });
    expect(result.report).toContain('runs within test');
    expect(await builds(cwd)).toBe(1);
  });

  it.each([
    ['tsc', 'tsc && vitest run', true],
    ['npm run build', '(npm run build) && (jest)', true],
    ['make', 'make test', false],
    ['tsc', 'vitest run --typecheck', false],
  ])('%s within %s: %s', (command, other, expected) => {
    expect(runsWithin(command, other)).toBe(expected);
  });
});
