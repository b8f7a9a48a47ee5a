/**
 * `evolve watch` started from the sources (no fresh dist/ bundle: a checkout whose sources were edited, or
 * EVOLVE_FROM_SOURCE=1) in another directory — the way a user runs it in their own repository. The tsx loader
 * must compile evolve's .tsx with evolve's own tsconfig (automatic JSX runtime), not whatever it finds in the cwd.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtureDb } from './helpers.ts';
import { waitFor } from '../wait.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `evolve-qa-watch-${process.pid}`;
const BIN = join(import.meta.dirname, '../../bin/evolve.mjs');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

let db: ReturnType<typeof fixtureDb>;
let elsewhere: string;
beforeAll(() => {
  db = fixtureDb();
  elsewhere = mkdtempSync(join(tmpdir(), 'evolve-qa-cwd-'));
  // A user's repository with a tsconfig of its own (classic JSX), which must not apply to evolve's sources.
  writeFileSync(join(elsewhere, 'tsconfig.json'), '{"compilerOptions":{"jsx":"react"}}\n');
});
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  db?.cleanup();
  rmSync(elsewhere, { recursive: true, force: true });
});

it.skipIf(!hasTmux)('draws the TUI and exits 0 on q when started from the sources in another directory', async () => {
  const cmd = `cd '${elsewhere}' && env EVOLVE_FROM_SOURCE=1 NO_COLOR=1 node ${BIN} watch --db '${db.path}'; echo "EXITED $?"; sleep 60`;
  tmux('new-session', '-d', '-s', 'w', '-x', '120', '-y', '40', cmd);
  const screen = () => tmux('capture-pane', '-p', '-t', 'w');
  // One capture of a whole frame for every check (a capture may land in the middle of a redraw).
  let s = '';
  await waitFor(() => {
    s = screen();
    return (s.includes('q quit') && /a1b2c3d4\s+passed/.test(s)) || s.includes('EXITED');
  }, () => `the first frame; screen:\n${screen()}`, 20_000);
  expect(s).not.toMatch(/React is not defined|ERROR/);
  expect(s).toMatch(/a1b2c3d4\s+passed/);
  tmux('send-keys', '-t', 'w', 'q');
  await waitFor(() => screen().includes('EXITED'), () => `the exit; screen:\n${screen()}`, 10_000);
  expect(screen()).toContain('EXITED 0');
});
