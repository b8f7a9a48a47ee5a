/**
 * The demo's first lines are a new user's first contact with evolve. It printed "warning: at the typical $0.69 per
 * candidate the $10.00 run budget runs out during generation 5 of 5; raise --budget-usd or run fewer candidates":
 * a guess for a real model (the scripted stand-in's whole demo costs about $0.22 at the price table), and advice
 * `evolve demo` refuses (it has no --budget-usd). The demo says what its figures are instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT, tempDir } from '../evolve/helpers.ts';

const dir = tempDir('evolve-qa-demo-estimate-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The demo's lines up to its run line, then Ctrl-C twice (the run itself is not what this is about). */
function demoStart(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), 'demo', '--no-tui', '--dir', path.join(dir, 'textkit'), ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/evolve: run \d{8}-/.test(stderr)) child.kill('SIGINT');
    });
    child.on('close', () => resolve(stderr));
  });
}

it('gives no budget advice it cannot take, and says the stand-in costs nothing', async () => {
  const out = await demoStart(['--population', '15', '--generations', '1']);
  expect(out).toMatch(/^evolve: 15 candidates \(15 × 1 generation\); the stand-in model costs nothing/m);
  expect(out).not.toContain('--budget-usd');
  expect(out).not.toContain('warning:');
}, 60_000);

it('refuses the counts evolve run refuses, with the same words, before it creates anything', () => {
  const refuse = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), 'demo', '--no-tui', '--dir', path.join(dir, 'refused'), ...args], { encoding: 'utf8' });
  const hex = refuse('--population', '0x2');
  expect(hex.status).toBe(2);
  expect(hex.stderr.trim()).toBe('evolve: --population must be a number (got "0x2")');
  const zero = refuse('--generations', '0');
  expect(zero.status).toBe(2);
  expect(zero.stderr.trim()).toBe('evolve: --generations must be at least 1 (got "0")');
  expect(existsSync(path.join(dir, 'refused'))).toBe(false);
});
