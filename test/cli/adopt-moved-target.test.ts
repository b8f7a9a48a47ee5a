/**
 * After the run's repository was moved or deleted, `evolve adopt` blamed a pruned branch ("commit … is not in
 * /path (was its branch deleted and the repository pruned?)") while `show --diff` and `clean` said what was wrong.
 */
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { evolveInProcess } from '../lineage/cli-helpers.ts';
import { fixtureDb } from '../tui/helpers.ts';

const db = fixtureDb({ finished: true }); // its run's target, /home/dev/evolve, does not exist here
afterAll(() => db.cleanup());

it('says the run\'s repository is gone, in one line, exit 2', async () => {
  const w = new Database(db.path);
  w.prepare("UPDATE candidates SET commit_sha = '0123456789abcdef0123456789abcdef01234567' WHERE id = 'a1b2c3d4'").run();
  w.close();
  for (const here of [[], ['--here']]) {
    const r = await evolveInProcess(['adopt', 'a1b2c3d4', ...here, '--db', db.path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("evolve: the run's target /home/dev/evolve no longer exists, so there is nothing to adopt into\n");
  }
});
