import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDb } from './helpers.ts';
import { waitFor } from '../wait.ts';

/**
 * `evolve watch` in a real terminal: tmux runs it on a private server, the test sends keys and reads the screen
 * with capture-pane, waiting for the expected text (never for a fixed time). EVOLVE_TUI_TEST_DB points it at
 * another lineage.db (e.g. from an end-to-end run) instead of the fixture.
 */
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `evolve-tui-test-${process.pid}`;
const BIN = join(import.meta.dirname, '../../bin/evolve.mjs');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

let db: ReturnType<typeof fixtureDb>;
beforeAll(() => {
  db = fixtureDb();
});
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  db?.cleanup();
});

function start(name: string, env: string, width = 120, height = 40) {
  const dbPath = process.env.EVOLVE_TUI_TEST_DB ?? db.path;
  const cmd = `env ${env} node ${BIN} watch --db '${dbPath}'; echo "EXITED $?"; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), cmd);
  const screen = (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name);
  const until = (test: (s: string) => boolean, what: string) => waitFor(() => test(screen()), () => `${what}; screen:\n${screen()}`, 10_000);
  return { screen, until, keys: (...k: string[]) => tmux('send-keys', '-t', name, ...k) };
}

describe.skipIf(!hasTmux)('evolve watch in tmux', () => {
  it('shows the tree, opens details on enter, follows a resize, and exits on q', async () => {
    // CI=true as in a CI job: Ink would otherwise draw nothing until exit (see bin/ink-outside-ci.mjs).
    const t = start('main', '-u NO_COLOR -u FORCE_COLOR CI=true');
    // Every check is made on one capture of a whole frame: the header's clock redraws the view every second, and a
    // capture may land while tmux has taken only part of a redraw (the pty passes a frame on in 4 KB pieces).
    let screen = '';
    await t.until((s) => {
      screen = s;
      return s.includes('q quit') && /^[●★ ] ▾ [0-9a-z]{8}/m.test(s) && /^evolve \d{8}-\d{6}-[0-9a-f]{4}/m.test(s);
    }, 'the first frame');
    expect(screen).toMatch(/gen \d+\/\S+\s+\d+ running/);
    if (!process.env.EVOLVE_TUI_TEST_DB) {
      expect(screen).toMatch(/● ├─ ▾ a1b2c3d4\s+passed\s+0\.71/);
      expect(screen).toMatch(/c9d0e1f2\s+failed/);
    }
    expect(t.screen(true)).toMatch(/\u001b\[[0-9;]*3[0-7]m/);
    t.keys('j');
    t.keys('Enter');
    await t.until((s) => /goal\s+\S/.test(s) && s.includes('enter close') && /checks\s+build/.test(s), 'the detail pane with its checks');
    tmux('resize-window', '-t', 'main', '-x', '60', '-y', '30');
    // Narrower: diff and cost give way to the goal (tmux itself would wrap anything wider than the window).
    await t.until((s) => /^ {2}lineage\s+status\s+score goal$/m.test(s) && s.includes('q quit'), 'the 60-column layout');
    await t.until((s) => /goal\s+\S/.test(s), 'the details still open');
    // And back: the terminal re-wrapped the older, wider frames; none of them may be left above the view.
    tmux('resize-window', '-t', 'main', '-x', '120', '-y', '40');
    const once = (s: string) => (s.match(/^evolve \d{8}-\d{6}-[0-9a-f]{4}/gm) ?? []).length === 1 && (s.match(/q quit/g) ?? []).length === 1;
    await t.until((s) => /^ {2}lineage\s+status\s+score gen\s+diff\s+cost goal$/m.test(s) && once(s), 'one clean 120-column frame');
    // And it stays so: the next frames (the header's clock moves every second) draw no second copy either.
    // (A capture may land while the settled resize clears and redraws, with no header yet: never more than one.)
    const atMostOnce = (s: string) => (s.match(/^evolve \d{8}-\d{6}-[0-9a-f]{4}/gm) ?? []).length <= 1 && (s.match(/q quit/g) ?? []).length <= 1;
    const frame = t.screen();
    await t.until((s) => s !== frame, 'the next frame');
    expect(atMostOnce(t.screen())).toBe(true);
    await t.until((s) => once(s), 'the view drawn once');
    t.keys('q');
    await t.until((s) => s.includes('EXITED 0'), 'exit code 0 after q');
  });

  it('uses no colour under NO_COLOR', async () => {
    const t = start('nocolor', '-u FORCE_COLOR NO_COLOR=1');
    await t.until((s) => s.includes('q quit'), 'the first frame');
    expect(t.screen(true)).not.toMatch(/\u001b\[(?:[0-9]+;)*(?:3[0-7]|9[0-7]|38)[;m]/);
    t.keys('q');
    await t.until((s) => s.includes('EXITED 0'), 'exit after q');
  });
});
