import Database from 'better-sqlite3';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/tui/App.tsx';
import { LogFeed } from '../../src/tui/feed.ts';
import { openSource } from '../../src/tui/source.ts';
import { fixtureDb, waitFor } from '../tui/helpers.ts';

// During `evolve run` the runner records a generation's `selected` events and then says it forks the next one
// from those survivors. The live view showed the runner's line at once and the selections only at its next poll,
// so the log read "generation 4/5: 3 children of d3e4f5a6" before "generation 3: selected d3e4f5a6".
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((f) => f()));

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
    const writer = new Database(db.path);
    writer.prepare('INSERT INTO events (run_id, candidate_id, at, kind, data_json) VALUES (?, ?, ?, ?, ?)')
      .run(db.runId, 'd3e4f5a6', new Date().toISOString(), 'selected', JSON.stringify({ generation: 3, rank: 1, score: 0.83 }));
    writer.close();
    feed.push('generation 4/5: 3 children of d3e4f5a6');

    await waitFor(() => frame().includes('3 children of') && frame().includes('generation 3: selected'), 'both log lines');
    const text = frame();
    expect(text.indexOf('generation 3: selected d3e4f5a6')).toBeLessThan(text.indexOf('generation 4/5: 3 children of'));
  });
});
