/**
 * The judging checkout made honest (src/evolve/judge/restore.ts), against real git: the parent's tests and runner
 * config come back, the child's new tests stay, package.json gets the seed's scripts, and no link is written through.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Git } from '../../src/evolve/repo/git.ts';
import { commandPaths, reachedScripts, isRunnerConfig, isTestFile, judgedPackageJson, restoreFromParent } from '../../src/evolve/judge/restore.ts';
import { git, makeRepo, tempDir, writeFiles } from './helpers.ts';

describe('what counts as a test file or runner config', () => {
  it.each([
    ['test/add.test.ts', true], ['tests/add.mjs', true], ['src/__tests__/a.js', true], ['src/a.spec.tsx', true],
    ['pkg/x_test.go', true], ['test_thing.py', true], ['src/add.ts', false], ['node_modules/x/test/a.js', false], ['latest.js', false],
  ])('%s is a test file: %s', (file, expected) => expect(isTestFile(file)).toBe(expected));

  it.each([
    ['vitest.config.mts', true], ['packages/a/vite.config.ts', true], ['jest.config.cjs', true], ['.mocharc.yml', true],
    ['.mocharc', true], ['ava.config.js', true], ['.taprc', true], ['tsconfig.test.json', true], ['tsconfig.json', false], ['src/vitest.ts', false],
  ])('%s is runner config: %s', (file, expected) => expect(isRunnerConfig(file)).toBe(expected));

  it('follows the package scripts a command reaches, with pre and post', () => {
    const scripts = { test: 'npm run unit && yarn lint', unit: 'node run.mjs', preunit: 'node pre.mjs', lint: 'pnpm run deep', deep: 'sh deep.sh', other: 'node other.mjs' };
    expect(reachedScripts('npm test', scripts).sort()).toEqual(['node pre.mjs', 'node run.mjs', 'npm run unit && yarn lint', 'npm test', 'pnpm run deep', 'sh deep.sh'].sort());
  });

  it('reads the repository paths a command names', () => {
    expect(commandPaths('node run-tests.mjs && sh ./scripts/t.sh --config=.mocharc.yml "test/a b.js" /usr/bin/x ../up')).toEqual(
      expect.arrayContaining(['run-tests.mjs', 'scripts/t.sh', '.mocharc.yml']));
    expect(commandPaths('node /abs/x.js ../outside.js')).not.toContain('../outside.js');
  });
});

describe('package.json for judging', () => {
  it('has the seed scripts and the parent framework keys, whatever the child wrote', () => {
    const child = JSON.stringify({ name: 'x', scripts: { test: 'echo 40 passed, 0 failed', unit: 'true' }, jest: { testMatch: ['nothing'] }, mocha: { spec: 'none' }, dependencies: { a: '1' } });
    const parent = JSON.stringify({ name: 'x', scripts: { test: 'npm run unit' }, jest: { testMatch: ['**/*.test.js'] } });
    const judged = JSON.parse(judgedPackageJson(child, parent, { test: 'npm run unit', unit: 'node --test', preunit: 'echo pre' })!);
    expect(judged).toEqual({ name: 'x', scripts: { test: 'npm run unit', unit: 'node --test', preunit: 'echo pre' }, jest: { testMatch: ['**/*.test.js'] }, dependencies: { a: '1' } });
  });

  it('is left alone when nothing changes or it is not an object', () => {
    expect(judgedPackageJson(JSON.stringify({ scripts: { test: 't' } }), null, { test: 't' })).toBeNull();
    expect(judgedPackageJson('[1]', null, { test: 't' })).toBeNull();
    expect(judgedPackageJson('{oops', null, { test: 't' })).toBeNull();
  });
});

describe('restoreFromParent', () => {
  function setup() {
    const repo = makeRepo({
      'package.json': JSON.stringify({ name: 'toy', scripts: { test: 'npm run unit', unit: 'node run-tests.mjs' } }),
      'run-tests.mjs': 'console.log("real runner")\n', 'lib/add.mjs': 'export const add = (a, b) => a + b;\n',
      'tests/add.mjs': 'real add test\n', 'src/x.test.js': 'real x test\n', 'vitest.config.mjs': 'export default { real: true }\n',
    });
    const parent = git(repo, 'rev-parse', 'HEAD');
    writeFiles(repo, {
      'package.json': JSON.stringify({ name: 'toy', scripts: { test: 'npm run unit', unit: 'echo 40 passed, 0 failed' } }),
      'run-tests.mjs': 'console.log("40 passed, 0 failed")\n', 'tests/add.mjs': 'emptied\n', 'tests/new.mjs': 'a new test\n',
      'vitest.config.mjs': 'export default { test: { include: [] } }\n', 'jest.config.js': 'module.exports = { testMatch: [] }\n',
    });
    rmSync(path.join(repo, 'src/x.test.js'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'child');
    const child = git(repo, 'rev-parse', 'HEAD');
    const g = new Git(path.join(repo, '.git'));
    return { repo, parent, child, g };
  }

  it('writes back the parent tests, runner config and the files the command names; keeps new tests; removes new config', async () => {
    const { repo, parent, child, g } = setup();
    const dir = path.join(tempDir(), 'eval');
    await g.materialise(child, dir, `${dir}.index`);
    const seedScripts = { test: 'npm run unit', unit: 'node run-tests.mjs' };
    const result = await restoreFromParent(g, dir, { commit: parent, tree: await g.listTree(parent) }, 'npm run unit', seedScripts);
    const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
    expect(read('tests/add.mjs')).toBe('real add test\n');
    expect(read('src/x.test.js')).toBe('real x test\n');
    expect(read('tests/new.mjs')).toBe('a new test\n');
    expect(read('vitest.config.mjs')).toBe('export default { real: true }\n');
    expect(existsSync(path.join(dir, 'jest.config.js'))).toBe(false);
    expect(result.removed).toEqual(['jest.config.js']);
    expect(JSON.parse(read('package.json')).scripts).toEqual(seedScripts);
    // named by the seed's `unit`, which the test command reaches
    expect(read('run-tests.mjs')).toBe('console.log("real runner")\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('replaces a link the candidate put on the way instead of writing through it', async () => {
    const { parent, child, g } = setup();
    const dir = path.join(tempDir(), 'eval');
    const victim = tempDir('evolve-victim-');
    writeFileSync(path.join(victim, 'add.mjs'), 'victim\n');
    await g.materialise(child, dir, `${dir}.index`);
    rmSync(path.join(dir, 'tests'), { recursive: true });
    symlinkSync(victim, path.join(dir, 'tests'));
    mkdirSync(path.join(dir, 'more'));
    symlinkSync(path.join(victim, 'add.mjs'), path.join(dir, 'more', 'vitest.config.ts'));
    await restoreFromParent(g, dir, { commit: parent, tree: await g.listTree(parent) }, 'npm test', null);
    expect(readFileSync(path.join(victim, 'add.mjs'), 'utf8')).toBe('victim\n');
    expect(readFileSync(path.join(dir, 'tests', 'add.mjs'), 'utf8')).toBe('real add test\n');
    expect(existsSync(path.join(dir, 'more', 'vitest.config.ts'))).toBe(false);
  });
});
