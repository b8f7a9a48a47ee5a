/** The demo's features are real: each correct version passes its test, each buggy one fails it, each broken one fails the build. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { FEATURES, unbuildable } from '../../src/demo/features.ts';
import { scenarioFor } from '../../src/demo/model.ts';

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
