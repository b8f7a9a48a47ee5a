import { describe, expect, it } from 'vitest';
import { defaultSurvivors, DEFAULT_PROTECTED, freezeConfig, isProtected, type FreezeOptions } from '../../src/evolve/config.ts';

const options: FreezeOptions = {
  population: 3, generations: 5, strategy: 'top-k', model: 'claude-sonnet-5', budgetUsd: 10, candidateBudgetUsd: 2,
  maxTurns: 40, candidateTimeout: 1800, buildTimeout: 600, testTimeout: 600, seedGoal: '', protectedPaths: [], weights: {},
  unsafeNoSandbox: false,
};
const pkg = (scripts: Record<string, string>) => JSON.stringify({ name: 'x', scripts });

describe('freezeConfig', () => {
  it('freezes the seed\'s script text (not `npm test`), so a candidate editing package.json changes nothing', () => {
    const c = freezeConfig(options, pkg({ build: 'tsc -p .', test: 'vitest run' }), 7);
    expect(c.build).toEqual({ cmd: 'tsc -p .', from: 'package.json' });
    expect(c.test).toEqual({ cmd: 'vitest run', from: 'package.json' });
  });

  it('runs pre and post scripts as npm would', () => {
    expect(freezeConfig(options, pkg({ pretest: 'lint', test: 'vitest run', posttest: 'echo done' }), 7).test.cmd)
      .toBe('(lint) && (vitest run) && (echo done)');
  });

  it('takes --build/--test over package.json, and needs a test command from somewhere', () => {
    const c = freezeConfig({ ...options, build: 'make', test: 'make check' }, pkg({ test: 'vitest run' }), 7);
    expect([c.build, c.test]).toEqual([{ cmd: 'make', from: 'flag' }, { cmd: 'make check', from: 'flag' }]);
    expect(freezeConfig(options, pkg({ test: 'x' }), 7).build).toEqual({ cmd: null, from: 'none' });
    expect(() => freezeConfig(options, null, 7)).toThrow(/no test command/);
    expect(() => freezeConfig(options, '{not json', 7)).toThrow(/not valid JSON/);
  });

  it('runs the whole population at once by default, up to 8 jails; an explicit --concurrency is kept', () => {
    const t = pkg({ test: 'x' });
    expect(freezeConfig(options, t, 7).concurrency).toBe(3);
    expect(freezeConfig({ ...options, population: 100_000_000 }, t, 7).concurrency).toBe(8);
    expect(freezeConfig({ ...options, population: 50, concurrency: 20 }, t, 7).concurrency).toBe(20);
  });

  it('defaults survivors to half the population (rounded up), concurrency to the population, and keeps the seed', () => {
    const c = freezeConfig(options, pkg({ test: 't' }), 42);
    expect([c.survivors, c.concurrency, c.seed]).toEqual([2, 3, 42]);
    expect([defaultSurvivors(1), defaultSurvivors(4), defaultSurvivors(5)]).toEqual([1, 2, 3]);
    expect(freezeConfig({ ...options, survivors: 9 }, pkg({ test: 't' }), 1).survivors).toBe(3);
    expect(freezeConfig({ ...options, protectedPaths: ['secrets/'] }, pkg({ test: 't' }), 1).protectedPaths).toEqual([...DEFAULT_PROTECTED, 'secrets/']);
  });
});

describe('isProtected', () => {
  it.each([
    ['.github/workflows/ci.yml', true], ['.github', true], ['.evolve/state.json', true], ['evolve.config.json', true],
    ['.gitlab-ci.yml', true], ['src/.github/x', false], ['docs/evolve.config.json', false], ['src/index.ts', false],
    ['.githubx/file', false],
  ])('%s → %s', (file, expected) => expect(isProtected(file, DEFAULT_PROTECTED)).toBe(expected));

  // With --push, a pushed branch runs whatever CI file it carries, with the repository's secrets and network: every
  // common CI system's file is the judge's, not the candidate's.
  it.each([
    '.gitea/workflows/ci.yml', '.forgejo/workflows/ci.yml', 'bitbucket-pipelines.yml', '.drone.yml', '.woodpecker.yml',
    '.woodpecker/build.yml', 'appveyor.yml', '.appveyor.yml', '.cirrus.yml', '.semaphore/semaphore.yml', '.gitlab/ci/build.yml',
    '.azure-pipelines/ci.yml', 'cloudbuild.yaml', 'buildspec.yml', '.tekton/run.yaml',
  ])('%s is protected', (file) => expect(isProtected(file, DEFAULT_PROTECTED)).toBe(true));
});
