/**
 * The small repository `evolve demo` evolves: a tiny text utility library with a real build step (a syntax check
 * of every source file) and real tests (node:test). No dependencies, so candidates need no install.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcessSync } from '../process/sync.ts';

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'textkit-demo',
    version: '1.0.0',
    private: true,
    type: 'module',
    description: 'A tiny text utility library, evolved by the evolve demo.',
    scripts: { build: 'node scripts/build.mjs', test: 'node --test test/' },
  }, null, 2) + '\n',
  'README.md': '# textkit-demo\n\nSmall text utilities. `npm run build` checks the syntax of every source file; `npm test` runs the tests.\n',
  'scripts/build.mjs': `// The build: every file under src/ must parse.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const files = readdirSync('src').filter((f) => f.endsWith('.js'));
for (const file of files) execFileSync(process.execPath, ['--check', 'src/' + file], { stdio: 'inherit' });
console.log('build ok: ' + files.length + ' files');
`,
  'src/textkit.js': `/** Counts the words of a text (runs of non-space characters). */
export function wordCount(text) {
  return text.split(/\\s+/).filter(Boolean).length;
}

/** Upper-cases the first letter of every word. */
export function titleCase(text) {
  return text.replace(/\\b\\w/g, (c) => c.toUpperCase());
}
`,
  'test/textkit.test.js': `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordCount, titleCase } from '../src/textkit.js';

test('wordCount counts words', () => {
  assert.equal(wordCount('the quick  brown fox'), 4);
  assert.equal(wordCount(''), 0);
});

test('titleCase capitalises words', () => {
  assert.equal(titleCase('hello world'), 'Hello World');
});
`,
  '.gitignore': 'node_modules/\nlineage.db*\n',
};

/** Creates the sample repository in `dir` (which must not exist or be empty) with one commit. */
export function createSampleRepo(dir: string): void {
  for (const [file, content] of Object.entries(FILES)) {
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  const git = (...args: string[]) => {
    const r = runProcessSync('git', args, {
      cwd: dir,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'evolve demo', GIT_AUTHOR_EMAIL: 'demo@localhost',
        GIT_COMMITTER_NAME: 'evolve demo', GIT_COMMITTER_EMAIL: 'demo@localhost' },
    });
    if (r.exitCode !== 0) throw new Error(`could not create the demo repository: git ${args[0]} failed: ${(r.error ?? r.stderr).trim()}`);
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'textkit: word count and title case');
}
