/**
 * `--resume` continues a run with its frozen configuration; only the budgets may be raised (docs/run.md, "Stopping and
 * resuming"). `evolve --resume --generations 10` used to be accepted and the 10 silently ignored: the run ended at
 * its old generation count. A flag that cannot apply is bad input: one line, exit code 2, the database untouched.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evolve, tempDir } from './helpers.ts';
import { makeToyRepo } from './toy.ts';
import { fixtureDb } from '../tui/helpers.ts';

const KEY = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

describe('--resume with a flag of the frozen configuration', () => {
  it.each([
    [['--generations', '10'], '--generations'],
    [['--population', '7'], '--population'],
    [['--model', 'claude-haiku-4-5'], '--model'],
    [['--test', 'npm test'], '--test'],
    [['--strategy', 'dgm'], '--strategy'],
  ])('%j is refused with one line and exit 2', async (flags, name) => {
    const src = fixtureDb();
    const db = path.join(tempDir(), 'lineage.db');
    copyFileSync(src.path, db);
    src.cleanup();
    const before = readFileSync(db);
    const r = await evolve(['--resume', ...flags, '--no-tui', '--db', db, '--target', makeToyRepo()], KEY);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `evolve: ${name} cannot change when resuming: a run keeps the configuration it started with (only --budget-usd and --candidate-budget-usd may be raised)`,
    ]);
    expect(readFileSync(db).equals(before)).toBe(true);
  });
});
