import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveRunView, type WatchIo } from '../../src/cli/watch.ts';
import type { RunSummary } from '../../src/evolve/observer.ts';
import { FakeStdin, FakeStdout, fixtureDb } from './helpers.ts';
import { waitFor } from '../wait.ts';

/** The live view during `evolve run`, driven the way src/evolve/launch.ts and run.ts call a RunObserver. */
afterEach(() => {
  vi.restoreAllMocks();
});

describe('liveRunView', () => {
  it('opens on the run, shows the runner lines with the log, and stops the run only after y (as SIGINT)', async () => {
    const db = fixtureDb();
    const stdout = new FakeStdout();
    const stderr = new FakeStdout();
    const stdin = new FakeStdin();
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const io = { stdout, stderr, stdin } as unknown as WatchIo;
    const observer = liveRunView({ db: db.path }, io);
    try {
      observer.log?.('WARNING: before the run exists');
      expect(stderr.output).toBe('evolve: WARNING: before the run exists\n');
      observer.log?.(`run ${db.runId}: 3 × 3 candidates from 9f1c2e7 in /home/dev/evolve`);
      // The first draw loads Ink, React and the view's modules through the test's transform: seconds on a loaded CI.
      await waitFor(() => stdout.output.includes('q quit'), 'the live view', 20_000);
      observer.log?.('generation 3/3: 3 children of d3e4f5a6, f1a2b3c4');
      await waitFor(() => stdout.output.includes('generation 3/3: 3 children'), 'the runner line in the log');
      observer.event?.({ kind: 'tool_call', candidateId: '0a1b2c3d', generation: 3, data: {} });
      expect(stderr.output).not.toContain('tool_call');

      stdin.type('q');
      await waitFor(() => stdout.output.includes('Stop the run? (y/n)'), 'the question');
      stdin.type('n');
      stdin.type('q');
      stdin.type('y');
      await waitFor(() => kill.mock.calls.length > 0, 'the stop request');
      expect(kill.mock.calls).toEqual([[process.pid, 'SIGINT']]);

      await waitFor(() => {
        observer.log?.('stopping: no new candidates');
        return stderr.output.includes('evolve: stopping: no new candidates');
      }, 'plain lines once the view is left');
      observer.runFinished?.({ runId: db.runId, status: 'stopped', stopReason: 'interrupted', candidates: 9, passed: 4, best: null,
        lineage: [], inputTokens: 1, cacheReadTokens: 0, outputTokens: 2, costUsd: 1.46 } satisfies RunSummary);
      expect(stderr.output).toContain(`evolve: run ${db.runId} stopped (interrupted)`);
    } finally {
      observer.runFinished?.({ runId: db.runId, status: 'done', stopReason: null, candidates: 0, passed: 0, best: null,
        lineage: [], inputTokens: 0, cacheReadTokens: 0, outputTokens: 0, costUsd: 0 });
      db.cleanup();
    }
  });
});
