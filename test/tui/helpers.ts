import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureDb } from './fixture.ts';

/** A fixture lineage.db in a fresh temp dir; `cleanup` removes the dir. */
export function fixtureDb(opts: Parameters<typeof writeFixtureDb>[1] = {}): { path: string; runId: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-tui-'));
  const path = join(dir, 'lineage.db');
  const runId = writeFixtureDb(path, opts);
  return { path, runId, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Just enough of a TTY for Ink: a stdout that records frames and a stdin the test types into. */
export class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  output = '';
  write = (chunk: string) => {
    this.output += chunk;
    return true;
  };
}
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  type(text: string) {
    this.queue.push(text);
    this.emit('readable');
  }
  read = () => this.queue.shift() ?? null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}
