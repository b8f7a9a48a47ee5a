import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureDb } from './fixture.ts';

/** Polls `check` until it returns true or the deadline passes (never a fixed sleep). */
export async function waitFor(check: () => boolean, what: string | (() => string), timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fixture lineage.db in a fresh temp dir; `cleanup` removes the dir. */
export function fixtureDb(opts: Parameters<typeof writeFixtureDb>[1] = {}): { path: string; runId: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-tui-'));
  const path = join(dir, 'lineage.db');
  const runId = writeFixtureDb(path, opts);
  return { path, runId, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
