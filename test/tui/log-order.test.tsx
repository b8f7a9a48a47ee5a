import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveRunView, type WatchIo } from '../../src/cli/watch.ts';
import { App } from '../../src/tui/App.tsx';
import { LogFeed } from '../../src/tui/feed.ts';
import { openSource } from '../../src/tui/source.ts';
import { FakeStdin, FakeStdout, fixtureDb } from './helpers.ts';
import { waitFor } from '../wait.ts';
import { openStore } from '../../src/lineage/store.ts';

// During `evolve run` the runner records a generation's `selected` events and then says it forks the next one
// from those survivors. The live view showed the runner's line at once and the selections only at its next poll,
// so the log read "generation 4/5: 3 children of d3e4f5a6" before "generation 3: selected d3e4f5a6".
const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).reverse().forEach((f) => f());
  vi.useRealTimers();
});

describe('the live log above the view', () => {
  it('keeps the runner\'s lines and the recorded events in the order they happened', async () => {
    const db = fixtureDb();
    const source = openSource(db.path);
    const feed = new LogFeed();
    const app = render(
      <App source={source} runId={db.runId} feed={feed} onQuit={vi.fn()} width={100} height={30} colors={false} pollMs={100} />,
    );
    cleanups.push(db.cleanup, () => source.close(), () => app.unmount());
    const frame = () => app.lastFrame() ?? '';
    await waitFor(() => frame().includes('q quit'), 'the first frame');

    // What the runner does, in one synchronous step: record the selection, then announce the next generation.
    const writer = openStore(db.path);
    writer.appendEvent({ runId: db.runId, candidateId: 'd3e4f5a6', kind: 'selected', data: { generation: 3, rank: 1, score: 0.83 } });
    writer.close();
    feed.push('generation 4/5: 3 children of d3e4f5a6');

    await waitFor(() => frame().includes('3 children of') && frame().includes('generation 3: selected'), 'both log lines');
    const text = frame();
    expect(text.indexOf('generation 3: selected d3e4f5a6')).toBeLessThan(text.indexOf('generation 4/5: 3 children of'));
  });

  it('stamps a runner line said while the view was still loading with the time it was said, and prints it in order', async () => {
    // The view loads Ink lazily; lines said meanwhile were stamped when replayed, seconds late on a busy machine,
    // and printed after the events of the view's first frame even when those came later.
    const base = Date.parse('2026-11-25T20:05:01Z');
    const db = fixtureDb({ base });
    cleanups.push(db.cleanup);
    const stdout = new FakeStdout();
    const observer = liveRunView({ db: db.path }, { stdout, stderr: new FakeStdout(), stdin: new FakeStdin() } as unknown as WatchIo);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(base - 1000));
    observer.log?.(`run ${db.runId}: 3 × 3 candidates from 9f1c2e7 in /home/dev/evolve`);
    vi.setSystemTime(new Date(base + 400_000));
    await waitFor(() => stdout.output.includes('3 × 3 candidates'), 'the runner line');
    expect(stdout.output).toContain(`20:05:00  run ${db.runId}: 3 × 3`);
    expect(stdout.output.indexOf('3 × 3 candidates')).toBeLessThan(stdout.output.indexOf('20:05:01  run started'));
    observer.runFinished?.({ runId: db.runId, status: 'done', stopReason: null, candidates: 0, passed: 0, best: null,
      lineage: [], inputTokens: 0, cacheReadTokens: 0, outputTokens: 0, costUsd: 0 });
  });
});
