/**
 * The README's quick start, run as written in a fresh clone of this repository: the first command installs and
 * runs the demo; the second installs (already done: installing once keeps the suite fast) and runs the tests,
 * scoped to test/smoke so that the suite does not run itself. Then the demo's results are checked from outside,
 * with SQL and git, and the two commands people run next (adopt, clean) are exercised on them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'evolve-quickstart-'));
const clone = path.join(work, 'evolve');

function quickStartCommands(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /```(?:sh|bash)\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

function sh(command: string, env: Record<string, string> = {}) {
  const out = spawnSync('bash', ['-c', command], {
    cwd: clone, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 480_000, maxBuffer: 64 * 1024 * 1024,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

let demoRepo = '';
let demoOutput = '';

beforeAll(() => {
  // A clone of what is committed: what a newcomer gets.
  execFileSync('git', ['clone', '--quiet', root, clone]);
}, 60_000);

afterAll(() => {
  if (demoRepo) rmSync(path.dirname(demoRepo), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('the README quick start, exactly as written', () => {
  const commands = quickStartCommands();

  test('has the two commands: install + demo, install + tests', () => {
    expect(commands).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
  });

  test('the first installs and runs the demo: 15 candidates on real branches, with a lineage.db', () => {
    const { code, stderr } = sh(commands[0], { ANTHROPIC_API_KEY: '', CI: '1' });
    demoOutput = stderr;
    expect(code, stderr.slice(-3000)).toBe(0);
    demoRepo = /explore it: cd (\S+)/.exec(stderr)?.[1] ?? '';
    expect(existsSync(path.join(demoRepo, 'lineage.db'))).toBe(true);
    expect(stderr).toMatch(/stand-in/);
  }, 480_000);

  test('the second runs the test command (scoped to the smoke tests: no recursion)', () => {
    const second = commands[1].replace(/^npm ci && /, '');
    const { code, stdout, stderr } = sh(second, { EVOLVE_TEST_SCOPE: 'smoke' });
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/passed/);
  }, 240_000);
});

describe('what the demo leaves behind', () => {
  const db = () => new Database(path.join(demoRepo, 'lineage.db'), { readonly: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: demoRepo, encoding: 'utf8' }).trim();

  test('one seed and population × generations candidates, survivors in every generation', () => {
    const d = db();
    const run = d.prepare('SELECT * FROM runs').get() as { status: string; config_json: string };
    expect(run.status).toBe('done');
    expect(JSON.parse(run.config_json)).toMatchObject({ standin: true });
    const perGeneration = d.prepare('SELECT generation, COUNT(*) n, SUM(survived) s FROM candidates GROUP BY generation ORDER BY generation').all() as { generation: number; n: number; s: number }[];
    expect(perGeneration.map((g) => g.n)).toEqual([1, 3, 3, 3, 3, 3]);
    for (const g of perGeneration) expect(g.s).toBeGreaterThan(0);
    d.close();
  });

  test('a build failure and a test failure are recorded with their reason', () => {
    const d = db();
    const failed = d.prepare("SELECT build_ok, tests_failed, error FROM candidates WHERE status = 'failed'").all() as { build_ok: number; tests_failed: number | null; error: string }[];
    expect(failed.some((f) => f.build_ok === 0 && /build failed/.test(f.error))).toBe(true);
    expect(failed.some((f) => f.build_ok === 1 && (f.tests_failed ?? 0) > 0 && /tests failed/.test(f.error))).toBe(true);
    d.close();
  });

  test('the escape attempt was blocked by the jail and the editor, and nothing outside changed', () => {
    const d = db();
    const denied = d.prepare("SELECT data_json FROM events WHERE kind = 'sandbox_denied'").all() as { data_json: string }[];
    const details = denied.map((r) => JSON.parse(r.data_json).detail as string);
    expect(details.some((t) => /Read-only file system/.test(t))).toBe(true);
    expect(details.some((t) => /outside the workspace/.test(t))).toBe(true);
    expect(existsSync('/usr/evolve-escaped.txt')).toBe(false);
    expect(existsSync('/etc/evolve-escaped.txt')).toBe(false);
    d.close();
  });

  test('every child commit is on its branch, on top of its parent, and the checkout is untouched', () => {
    const d = db();
    const rows = d.prepare('SELECT id, parent_id, branch, commit_sha FROM candidates WHERE generation > 0').all() as { id: string; parent_id: string; branch: string; commit_sha: string }[];
    const byId = new Map((d.prepare('SELECT id, commit_sha FROM candidates').all() as { id: string; commit_sha: string }[]).map((r) => [r.id, r.commit_sha]));
    for (const r of rows) {
      expect(git('rev-parse', r.branch)).toBe(r.commit_sha);
      expect(git('rev-parse', `${r.commit_sha}^`)).toBe(byId.get(r.parent_id));
    }
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    d.close();
  });

  test('evolve adopt takes the best candidate as a branch, and clean removes the run\'s branches after listing them', () => {
    const evolve = (...args: string[]) => spawnSync(process.execPath, [path.join(clone, 'bin/evolve.mjs'), ...args], { cwd: demoRepo, encoding: 'utf8' });
    // The suggested command is `evolve show <id> --diff`, or `node <clone>/bin/evolve.mjs show …` with no evolve on PATH.
    const best = /evolve(?:\.mjs)? show (\w+) --diff/.exec(demoOutput)?.[1];
    expect(best).toBeTruthy();
    const adopt = evolve('adopt', best!);
    expect(adopt.status, adopt.stderr).toBe(0);
    expect(git('show', '--name-only', '--format=', `evolve-adopt/${best}`)).not.toMatch(/agent_context\.json/);
    const again = evolve('adopt', best!);
    expect(again.status).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);

    const dry = evolve('clean', '--branches', '--dry-run');
    expect(dry.stdout).toMatch(/would remove: branch evolve\//);
    expect(git('for-each-ref', 'refs/heads/evolve/').split('\n')).toHaveLength(15);
    const clean = evolve('clean', '--branches');
    expect(clean.status, clean.stderr).toBe(0);
    expect(git('for-each-ref', 'refs/heads/evolve/')).toBe('');
    expect(git('rev-parse', '--verify', `evolve-adopt/${best}`)).toMatch(/^[0-9a-f]{40}$/);
  });
});
