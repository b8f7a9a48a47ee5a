/**
 * Real repositories as they come: each framework fixture (test/fixtures/<framework>, the real framework from the npm
 * registry, installed from the fixture's own lockfile) evolved end to end through the real CLI and jail, with the
 * stand-in model handing the fixture's toy agent its plan. One generation of two children: one adds a passing test,
 * the other a failing one. The seed's count is the two tests the framework itself reports for the fixture (its real
 * output is test/evolve/fixtures/testcounts/<framework>.pass.*), the passing child has one more, the failing child is
 * failed. Jest needs its workspaces outside any .git directory, Vitest with a .mts config a writable
 * node_modules/.vite-temp, ava and tap their caches: each of these failed before.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startStandin } from '../../src/standin/index.ts';
import { evolve, tempDir } from '../evolve/helpers.ts';
import { planScript } from '../evolve/toy.ts';
import { fixtureTarget, NEW_TESTS } from './fixtures.ts';

interface Row { generation: number; status: string; tests_passed: number | null; tests_failed: number | null; goal: string | null; error: string | null }

const KEY = 'sk-ant-frameworks-suite-key-000000';

describe.concurrent('each framework, evolved as it comes', () => {
  it.each(Object.keys(NEW_TESTS))('%s', { timeout: 300_000 }, async (framework) => {
    const target = fixtureTarget(framework);
    const { file, pass, fail } = NEW_TESTS[framework];
    const plans = [
      { goal: 'add a passing test', summary: 'one more test', files: { [file]: pass } },
      { goal: 'add a failing test', summary: 'one more test, wrong', files: { [file]: fail } },
    ];
    const standin = await startStandin({ apiKey: KEY, script: planScript((i) => plans[i % 2]) });
    try {
      const db = path.join(tempDir(), 'lineage.db');
      const run = await evolve(['--population', '2', '--generations', '1', '--no-tui', '--target', target, '--db', db,
        ...(process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [])], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
      expect(run.code, run.stderr).toBe(0);
      const sql = new Database(db, { readonly: true });
      const rows = sql.prepare('SELECT generation, status, tests_passed, tests_failed, goal, error FROM candidates ORDER BY generation, goal').all() as Row[];
      const sources = (sql.prepare("SELECT DISTINCT json_extract(data_json, '$.source') AS s FROM events WHERE kind = 'tested'").all() as { s: string }[]).map((r) => r.s);
      sql.close();
      const [seed, failing, passing] = rows;
      expect(seed, run.stderr).toMatchObject({ generation: 0, status: 'passed', tests_passed: 2, tests_failed: 0 });
      expect(passing, run.stderr).toMatchObject({ goal: 'add a passing test', status: 'passed', tests_passed: 3, tests_failed: 0 });
      expect(failing, run.stderr).toMatchObject({ goal: 'add a failing test', status: 'failed', tests_passed: 2, tests_failed: 1 });
      expect(sources).toEqual([framework === 'tap' ? 'node-tap' : framework]);
    } finally {
      await standin.close();
    }
  });
});
