/**
 * The framework fixture projects of test/fixtures/<framework>/ as evolve targets: a temporary copy, its dependencies
 * installed from its own committed lockfile (`npm ci` once per lockfile, cached in the system's temp directory and
 * hardlinked into each copy), the toy agent of test/evolve/toy.ts as its `evolve.agent`, committed as a git repo.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { git, ROOT, tempDir } from '../evolve/helpers.ts';
import { TOY_AGENT } from '../evolve/toy.ts';

export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/**
 * node_modules of a fixture, installed once per lockfile content (a changed lockfile installs afresh); null for a
 * fixture without dependencies.
 */
function installed(framework: string): string | null {
  const dir = path.join(FIXTURES, framework);
  const lock = readFileSync(path.join(dir, 'package-lock.json'));
  const packages = (JSON.parse(lock.toString()) as { packages?: Record<string, unknown> }).packages ?? {};
  if (Object.keys(packages).every((p) => p === '')) return null;
  const key = createHash('sha256').update(readFileSync(path.join(dir, 'package.json'))).update(lock).digest('hex').slice(0, 16);
  const cache = path.join(tmpdir(), `evolve-fixture-deps-${process.getuid?.() ?? 'u'}`, `${framework}-${key}`);
  const modules = path.join(cache, 'node_modules');
  if (existsSync(modules)) return modules;
  // Installed beside the cache entry, then renamed into place: parallel test workers never see half an install.
  const work = tempDir(`evolve-fixture-install-${framework}-`);
  for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(dir, file), path.join(work, file));
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
  mkdirSync(cache, { recursive: true });
  try {
    renameSync(path.join(work, 'node_modules'), modules);
  } catch (err) {
    if (!existsSync(modules)) throw err; // another worker got there first
  }
  rmSync(work, { recursive: true, force: true });
  return modules;
}

/** A git repository holding the fixture, its dependencies in place (untracked, git-ignored). */
export function fixtureTarget(framework: string): string {
  const repo = path.join(tempDir(`evolve-fw-${framework}-`), framework);
  cpSync(path.join(FIXTURES, framework), repo, { recursive: true });
  writeFileSync(path.join(repo, 'agent.mjs'), TOY_AGENT);
  writeFileSync(path.join(repo, 'agent_context.json'), JSON.stringify({ goalState: `add tests to the ${framework} fixture`, history: [] }, null, 2) + '\n');
  writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
  const modules = installed(framework);
  if (modules) execFileSync('cp', ['-al', modules, path.join(repo, 'node_modules')]);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Test');
  git(repo, 'config', 'user.email', 'test@example.com');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'seed');
  return repo;
}

/** For each framework: a new test file that passes, and one that fails (each one test). */
export const NEW_TESTS: Record<string, { file: string; pass: string; fail: string }> = {
  jest: {
    file: 'test/more.test.ts',
    pass: "import { add } from '../src/math.js';\n\nit('adds again', () => expect(add(2, 2)).toBe(4));\n",
    fail: "import { add } from '../src/math.js';\n\nit('adds wrongly', () => expect(add(2, 2)).toBe(5));\n",
  },
  vitest: {
    file: 'test/more.test.ts',
    pass: "import { expect, it } from 'vitest';\nimport { add } from '../src/math.ts';\n\nit('adds again', () => expect(add(2, 2)).toBe(4));\n",
    fail: "import { expect, it } from 'vitest';\nimport { add } from '../src/math.ts';\n\nit('adds wrongly', () => expect(add(2, 2)).toBe(5));\n",
  },
  mocha: {
    file: 'test/more.spec.mjs',
    pass: "import assert from 'node:assert/strict';\nimport { add } from '../src/math.mjs';\n\nit('adds again', () => assert.equal(add(2, 2), 4));\n",
    fail: "import assert from 'node:assert/strict';\nimport { add } from '../src/math.mjs';\n\nit('adds wrongly', () => assert.equal(add(2, 2), 5));\n",
  },
  uvu: {
    file: 'test/more.mjs',
    pass: "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport { add } from '../src/math.mjs';\n\ntest('adds again', () => assert.is(add(2, 2), 4));\ntest.run();\n",
    fail: "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport { add } from '../src/math.mjs';\n\ntest('adds wrongly', () => assert.is(add(2, 2), 5));\ntest.run();\n",
  },
  ava: {
    file: 'test/more.test.mjs',
    pass: "import test from 'ava';\nimport { add } from '../src/math.mjs';\n\ntest('adds again', (t) => t.is(add(2, 2), 4));\n",
    fail: "import test from 'ava';\nimport { add } from '../src/math.mjs';\n\ntest('adds wrongly', (t) => t.is(add(2, 2), 5));\n",
  },
  tap: {
    file: 'test/more.test.mjs',
    pass: "import t from 'tap';\nimport { add } from '../src/math.mjs';\n\nt.test('adds again', async (t) => t.equal(add(2, 2), 4));\n",
    fail: "import t from 'tap';\nimport { add } from '../src/math.mjs';\n\nt.test('adds wrongly', async (t) => t.equal(add(2, 2), 5));\n",
  },
  'node-test': {
    file: 'test/more.test.mjs',
    pass: "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { add } from '../src/math.mjs';\n\ntest('adds again', () => assert.equal(add(2, 2), 4));\n",
    fail: "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { add } from '../src/math.mjs';\n\ntest('adds wrongly', () => assert.equal(add(2, 2), 5));\n",
  },
};
