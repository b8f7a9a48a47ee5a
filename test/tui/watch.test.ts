import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/lineage/schema.ts';
import { fixtureDb } from './helpers.ts';
import { RUN_ID } from './fixture.ts';

/** `evolve watch` as a user runs it, through bin/evolve.mjs, with pipes (so without a terminal). */
const BIN = join(import.meta.dirname, '../../bin/evolve.mjs');
const evolve = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const db = fixtureDb({ finished: true });
afterAll(() => db.cleanup());

describe('evolve watch', () => {
  it('prints a plain snapshot, and says so, when there is no terminal', () => {
    const r = evolve('watch', '--db', db.path);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no terminal, so this is a one-shot snapshot');
    expect(r.stdout).toMatch(/^evolve 20261125-200501-ab12 {2}done/);
    expect(r.stdout).toMatch(/★ │  ├─ ▾ d3e4f5a6\s+passed\s+0\.83/);
    expect(r.stdout).toContain('generation 2: selected d3e4f5a6 (#1, score 0.83)');
    expect(r.stdout).toContain('generation 2: selected f1a2b3c4 (#2, score 0.69)');
    expect(r.stdout).toContain('run done');
    expect(r.stdout).toMatch(/best:\n\s+d3e4f5a6 · gen 2 · passed · survivor · best/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('shows the run asked for with --run', () => {
    expect(evolve('watch', '--db', db.path, '--run', '20261125-200501-ab12').code).toBe(0);
  });

  it('refuses bad input with one line and exit code 2', () => {
    const dir = join(db.path, '..');
    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'hello');
    const empty = join(dir, 'empty.db');
    const e = new Database(empty);
    MIGRATIONS.forEach((sql) => e.exec(sql));
    e.pragma(`user_version = ${MIGRATIONS.length}`);
    e.close();
    const cases: [string[], RegExp][] = [
      [['--db', join(dir, 'missing.db')], /no such file/],
      [['--db', dir], /is a directory/],
      [['--db', notDb], /not an SQLite database/],
      [['--db', empty], /no runs in .* yet/],
      [['--db', db.path, '--run', 'nope'], new RegExp(`no run nope in .* \\(runs: ${RUN_ID}\\)`)],
    ];
    for (const [args, message] of cases) {
      const r = evolve('watch', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('evolve watch on a run with a user judge', () => {
  it("shows each candidate's objective with its change against the parent, and the best so far in the header", () => {
    const judged = fixtureDb({ finished: true, config: { population: 3, generations: 3, model: 'm', budgetUsd: 5, judge: { given: 'node bench.mjs' }, objective: { metric: 'ops_per_sec', goal: 'max' } } });
    try {
      const sql = new Database(judged.path);
      const set = sql.prepare('UPDATE candidates SET objective = ? WHERE id = ?');
      const seed = (sql.prepare('SELECT id FROM candidates WHERE generation = 0').get() as { id: string }).id;
      set.run(1200, seed);
      set.run(1500, 'a1b2c3d4');
      set.run(1450, 'd3e4f5a6');
      sql.close();
      const r = evolve('watch', '--db', judged.path);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/best ops_per_sec 1500 \(\+300 on the seed\)/);
      expect(r.stdout).toMatch(/objective/);
      expect(r.stdout).toMatch(/a1b2c3d4\s+passed\s+\S+\s+1500 \+300/);
      expect(r.stdout).toMatch(/d3e4f5a6\s+passed\s+\S+\s+1450 -50/);
    } finally {
      judged.cleanup();
    }
  });
});
