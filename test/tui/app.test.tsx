import Database from 'better-sqlite3';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/tui/App.tsx';
import { openSource } from '../../src/tui/source.ts';
import { openStore } from '../../src/lineage/store.ts';
import { fixtureDb } from './helpers.ts';
import { waitFor } from '../wait.ts';

const UP = '\u001b[A';
const LEFT = '\u001b[D';
const RIGHT = '\u001b[C';
const base = Date.parse('2026-11-25T20:05:01Z');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((f) => f()));

function mount(opts: { height?: number; stop?: boolean; closeWhenFinished?: boolean } = {}) {
  const db = fixtureDb({ base });
  const source = openSource(db.path);
  const onQuit = vi.fn();
  const onStopRequest = opts.stop ? vi.fn() : undefined;
  const app = render(
    <App source={source} runId={db.runId} onQuit={onQuit} onStopRequest={onStopRequest} closeWhenFinished={opts.closeWhenFinished} width={100} height={opts.height ?? 30}
      colors={false} pollMs={50} clock={() => base + 400_000} />,
  );
  cleanups.push(db.cleanup, () => source.close(), () => app.unmount());
  const frame = () => app.lastFrame() ?? '';
  const until = (text: string | RegExp, what = String(text)) =>
    waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), what);
  const type = async (keys: string, then: string | RegExp) => {
    app.stdin.write(keys);
    await until(then);
  };
  return { app, db, frame, until, type, onQuit, onStopRequest };
}

describe('App', () => {
  it('moves with j/k and arrows, and opens and closes the details with enter', async () => {
    const t = mount();
    await t.until('q quit');
    await t.type('j', 'q quit');
    await t.type('\r', /a1b2c3d4 · gen 1 · passed · survivor/);
    expect(t.frame()).toMatch(/goal\s+Cache parsed configs/);
    await t.type('j', /d3e4f5a6 · gen 2 · passed · survivor · best/);
    await t.type(UP + 'k', /seed0000 · gen 0/);
    await t.type('\r', 'enter details');
    expect(t.frame()).not.toContain('branch');
  });

  it('folds with ← and unfolds with →', async () => {
    const t = mount();
    await t.until('c9d0e1f2');
    await t.type(LEFT, /▸ seed0000/);
    expect(t.frame()).not.toContain('├─ ▾ a1b2c3d4');
    await t.type(RIGHT, '├─ ▾ a1b2c3d4');
  });

  it('jumps to the best with b', async () => {
    const t = mount();
    await t.until('q quit');
    await t.type('b\r', /d3e4f5a6 · gen 2 · passed · survivor · best · score 0\.83/);
  });

  it('notices new rows within a second and follows the newest activity with f', async () => {
    const t = mount();
    await t.type('f', 'f follow (on)');
    await t.type('\r', /4e5f6a7b · gen 3 · evaluating/);
    const writer = new Database(t.db.path);
    cleanups.push(() => writer.close());
    writer.prepare(`UPDATE candidates SET status = 'running', phase = 'plan', started_at = ? WHERE id = '8c9d0e1f'`).run(new Date(base + 390_000).toISOString());
    const events = openStore(t.db.path);
    cleanups.push(() => events.close());
    events.appendEvent({
      runId: t.db.runId, candidateId: '8c9d0e1f', at: new Date(base + 391_000).toISOString(), kind: 'tool_call',
      data: { tool: 'bash', ok: true, ms: 40, summary: 'ls src', source: 'agent' },
    });
    const start = Date.now();
    await t.until(/8c9d0e1f · gen 3 · running/);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(t.frame()).toMatch(/8c9d0e1f\s+. plan/);
    expect(t.frame()).toContain('✓ bash  ls src (40ms)');
    events.appendEvent({ runId: t.db.runId, candidateId: null, at: new Date(base + 400_000).toISOString(), kind: 'run_finished', data: { status: 'done', reason: null } });
    await t.until('run done');
  });

  it('keeps the live area shorter than the terminal and scrolls a window over the tree', async () => {
    const t = mount({ height: 10 });
    await t.until('q quit');
    const live = () => t.frame().split('\n').filter((l) => !/^\d\d:\d\d:\d\d {2}/.test(l));
    expect(live().length).toBeLessThanOrEqual(9);
    expect(t.frame()).toMatch(/1-3\/10/);
    await t.type('G', /8-10\/10/);
    expect(t.frame()).toContain('c9d0e1f2');
    expect(t.frame()).not.toContain('seed0000');
    await t.type('\r', /c9d0e1f2 · gen 1 · failed/);
    expect(live().length).toBeLessThanOrEqual(9);
  });

  it('searches with /, jumps to a generation with :, to the next running with r, and folds all but the best path with z', async () => {
    const t = mount();
    await t.until('q quit');
    await t.type('/', 'search id or goal: ▏');
    await t.type('zod', 'search id or goal: zod▏');
    await t.type('\r', 'q quit');
    await t.type('\r', /f1a2b3c4 · gen 2 · passed · survivor/);
    await t.type(':3\r', /0a1b2c3d · gen 3 · running: modify/);
    await t.type('r', /4e5f6a7b · gen 3 · evaluating/);
    await t.type('\u001b/no such goal\r', 'no match for "no such goal"');
    await t.type('z', /▸ a1b2c3d4|▸ b5e6f708/);
    expect(t.frame()).toContain('d3e4f5a6');
    expect(t.frame()).not.toContain('0a1b2c3d');
    await t.type('Z', '0a1b2c3d');
  });

  it('leaves at once on q when watching', async () => {
    const t = mount();
    await t.until('q quit');
    t.app.stdin.write('q');
    await waitFor(() => t.onQuit.mock.calls.length === 1, 'onQuit');
  });

  it('during a run asks before leaving: n keeps the run, y asks the runner to stop it', async () => {
    const t = mount({ stop: true });
    await t.until('q quit');
    await t.type('q', 'Stop the run? (y/n)');
    await t.type('n', 'q quit');
    expect(t.onStopRequest).not.toHaveBeenCalled();
    expect(t.onQuit).not.toHaveBeenCalled();
    await t.type('q', 'Stop the run? (y/n)');
    t.app.stdin.write('y');
    await waitFor(() => t.onQuit.mock.calls.length === 1, 'onQuit');
    expect(t.onStopRequest).toHaveBeenCalledTimes(1);
  });

  it('during a run closes by itself once the run is no longer running (done, stopped or failed)', async () => {
    const t = mount({ stop: true, closeWhenFinished: true });
    await t.until('q quit');
    expect(t.onQuit).not.toHaveBeenCalled();
    const writer = new Database(t.db.path);
    cleanups.push(() => writer.close());
    writer.prepare(`UPDATE runs SET status = 'failed', finished_at = ?`).run(new Date(base + 400_000).toISOString());
    await waitFor(() => t.onQuit.mock.calls.length === 1, 'onQuit after the run failed');
  });
});
