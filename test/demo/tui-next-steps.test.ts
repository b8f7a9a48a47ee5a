/**
 * `evolve demo` with its live view (the README's first command, in a terminal): after the view closes it prints
 * the summary and then where the repository is and what to run next. Those lines used to be written while the
 * view was still up, and its next frame erased them. A one-generation demo in tmux keeps this to seconds.
 * Its log lists a generation's survivors in rank order (#1 first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../wait.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `evolve-qa-demo-${process.pid}`;
const BIN = join(import.meta.dirname, '../../bin/evolve.mjs');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evolve-qa-demo-'));
});
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  rmSync(dir, { recursive: true, force: true });
});

it.skipIf(!hasTmux)("prints the next steps after the live view closes, and survivors best first", async () => {
  const repo = join(dir, 'textkit');
  const cmd = `node ${BIN} demo --population 3 --generations 1 --dir '${repo}'; echo "EXITED $?"; sleep 120`;
  tmux('new-session', '-d', '-s', 'd', '-x', '120', '-y', '50', cmd);
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'd');
  await waitFor(() => screen().includes('EXITED'), () => `the demo to end; screen:\n${screen()}`, 90_000);
  const s = screen();
  expect(s).toContain('EXITED 0');
  expect(s).toMatch(/evolve: run \d{8}-\d{6}-[0-9a-f]{4} done: 3 candidates/);
  expect(s).toContain(`evolve: explore it: cd ${repo}`);
  expect(s.indexOf('evolve: explore it')).toBeGreaterThan(s.indexOf('evolve: tokens:'));
  const ranks = [...s.matchAll(/generation 1: selected [0-9a-f]{8} \(#(\d)/g)].map((m) => m[1]);
  expect(ranks).toEqual(['1', '2']);
}, 120_000);
