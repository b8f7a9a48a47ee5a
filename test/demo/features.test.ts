/** The demo's features are real: each correct version passes its test, each buggy one fails it, each broken one fails the build. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { FEATURES, unbuildable } from '../../src/demo/features.ts';
import { scenarioFor, wordCountFor } from '../../src/demo/model.ts';
import { BENCH_JUDGE, FASTER_WORD_COUNT, SEED_WORD_COUNT, SLOWER_WORD_COUNT, textkitSource, WRONG_WORD_COUNT } from '../../src/demo/wordcount.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evolve-features-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'src'));
  mkdirSync(path.join(dir, 'test'));
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

test('fifteen distinct features, one per candidate of the default demo', () => {
  expect(new Set(FEATURES.map((f) => f.name)).size).toBe(15);
});

test.each(FEATURES.map((f) => [f.name, f] as const))('%s: correct passes, buggy fails its test, broken fails to parse', (_name, f) => {
  const run = (source: string) => {
    const dir = project({ [`src/${f.name}.js`]: source, [`test/${f.name}.test.js`]: f.test });
    return spawnSync(process.execPath, ['--test', 'test/'], { cwd: dir, encoding: 'utf8' }).status;
  };
  expect(run(f.source)).toBe(0);
  expect(run(f.buggy)).not.toBe(0);
  const dir = project({ [`src/${f.name}.js`]: unbuildable(f) });
  expect(spawnSync(process.execPath, ['--check', `src/${f.name}.js`], { cwd: dir }).status).not.toBe(0);
});

test('every generation of three has two improving candidates and one that fails or tries to escape', () => {
  for (let g = 0; g < 5; g++) {
    const slots = [0, 1, 2].map((s) => scenarioFor(g * 3 + s));
    expect(slots.filter((s) => s === 'improve')).toHaveLength(2);
  }
  expect(Array.from({ length: 15 }, (_, i) => scenarioFor(i))).toEqual(expect.arrayContaining(['break_build', 'fail_tests', 'escape']));
});

test("wordCount's variants: the faster and slower ones pass the seed's test, the wrong one fails it; the judge prints JSON", () => {
  const seedTest = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { wordCount } from '../src/textkit.js';\n" +
    "test('wordCount counts words', () => {\n  assert.equal(wordCount('the quick  brown fox'), 4);\n  assert.equal(wordCount(''), 0);\n  assert.equal(wordCount(' a\\tb\\n'), 2);\n});\n";
  const run = (body: string) => spawnSync(process.execPath, ['--test', 'test/'], { cwd: project({ 'src/textkit.js': textkitSource(body), 'test/textkit.test.js': seedTest }), encoding: 'utf8' }).status;
  for (const body of [SEED_WORD_COUNT, ...FASTER_WORD_COUNT, SLOWER_WORD_COUNT]) expect(run(body), body).toBe(0);
  expect(run(WRONG_WORD_COUNT)).not.toBe(0);
  const dir = project({ 'src/textkit.js': textkitSource(FASTER_WORD_COUNT[3]) });
  mkdirSync(path.join(dir, 'bench'));
  writeFileSync(path.join(dir, 'bench', 'judge.mjs'), BENCH_JUDGE);
  const judged = spawnSync(process.execPath, ['bench/judge.mjs'], { cwd: dir, encoding: 'utf8' });
  expect(JSON.parse(judged.stdout.trim().split('\n').pop()!)).toEqual({ ops_per_sec: expect.any(Number) });
});

test('the faster candidate of each generation writes the next level, the slower one the slow version', () => {
  expect([0, 3, 6, 9, 12].map(wordCountFor)).toEqual([...FASTER_WORD_COUNT, FASTER_WORD_COUNT[3]]);
  expect([2, 5, 8].map(wordCountFor)).toEqual([SLOWER_WORD_COUNT, SLOWER_WORD_COUNT, SLOWER_WORD_COUNT]);
  expect(wordCountFor(4)).toBe(WRONG_WORD_COUNT);
});
