import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { startTui } from '../../src/tui/start.tsx';
import { FakeStdin, FakeStdout, fixtureDb } from './helpers.ts';
import { waitFor } from '../wait.ts';

describe('startTui (what the runner calls during a run)', () => {
  it('asks before stopping: y calls onStopRequest once and the view exits', async () => {
    const db = fixtureDb();
    const stdout = new FakeStdout();
    const stdin = new FakeStdin();
    const onStopRequest = vi.fn();
    const tui = startTui({
      dbPath: db.path, runId: db.runId, onStopRequest, pollMs: 100, patchConsole: false,
      stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
    });
    try {
      await waitFor(() => stdout.output.includes('q quit'), 'the first frame');
      stdin.type('q');
      await waitFor(() => stdout.output.includes('Stop the run? (y/n)'), 'the question');
      stdin.type('y');
      await tui.waitUntilExit();
      expect(onStopRequest).toHaveBeenCalledTimes(1);
    } finally {
      tui.unmount();
      db.cleanup();
    }
  });

  it('can be closed by the runner when the run ends', async () => {
    const db = fixtureDb();
    const stdout = new FakeStdout();
    const tui = startTui({ dbPath: db.path, runId: db.runId, patchConsole: false, stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream });
    await waitFor(() => stdout.output.includes('seed0000'), 'the tree');
    tui.unmount();
    await tui.waitUntilExit();
    db.cleanup();
  });

  it('refuses an unknown run with a UsageError before drawing anything', () => {
    const db = fixtureDb();
    expect(() => startTui({ dbPath: db.path, runId: 'nope' })).toThrow(UsageError);
    db.cleanup();
  });
});
