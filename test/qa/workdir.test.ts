/**
 * A --workdir that cannot be created used to pass the checks: the run was recorded, and then died on the first
 * mkdir with a raw "ENOTDIR: not a directory, mkdir …" (exit 1), leaving a run marked `running` forever. Under
 * /proc it never died: Node's recursive mkdir spins there at full CPU. Both are bad input: one line, exit 2,
 * nothing created.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evolve, tempDir } from '../evolve/helpers.ts';
import { makeToyRepo } from '../evolve/toy.ts';

const KEY = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

describe('a --workdir that cannot be created', () => {
  const file = path.join(tempDir(), 'a-file');
  writeFileSync(file, 'x\n');
  it.each([
    ['under a file', path.join(file, 'work'), /^evolve: --workdir .*a-file\/work: cannot create it \(ENOTDIR\)/],
    ['under /proc', '/proc/evolve-qa-workdir', /^evolve: --workdir \/proc\/evolve-qa-workdir: cannot create it \(E[A-Z]+\)/],
  ])('%s is refused in one line, exit 2, before anything is created', async (_name, workdir, message) => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const r = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--workdir', workdir], KEY);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(existsSync(db)).toBe(false);
  }, 30_000);
});
