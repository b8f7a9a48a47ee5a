import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWorkdir } from '../../src/evolve/repo/workdir.ts';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, git, tempDir } from './helpers.ts';
import { emptyPlan, failingPlan, makeToyRepo, passingPlan, planScript } from './toy.ts';

const REAL_KEY = 'sk-ant-real-key-for-the-upstream-only-0123456789';

interface Row { id: string; generation: number; parent_id: string | null; branch: string | null; commit_sha: string; status: string; survived: number; score: number | null; error: string | null; tests_passed: number | null; tests_failed: number | null }

let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

describe('evolve --population 3 --generations 2 (end to end)', () => {
  it('forks, commits, judges and selects on real branches, recording everything, target untouched', async () => {
    const repo = makeToyRepo();
    writeFileSync(path.join(repo, 'notes.txt'), 'the user\'s own untracked file\n');
    const db = path.join(tempDir(), 'lineage.db');
    const plans = [passingPlan, failingPlan, emptyPlan];
    standin = await startStandin({ script: planScript((i) => plans[i % 3](i)), apiKey: REAL_KEY });
    const indexBefore = readFileSync(path.join(repo, '.git', 'index'));
    const headBefore = git(repo, 'rev-parse', 'HEAD');

    const remote = tempDir('evolve-remote-');
    git(remote, 'init', '-q', '--bare');
    const run = await evolve(['--population', '3', '--generations', '2', '--no-tui', '--target', repo, '--db', db, '--push', remote, ...sandboxFlag()],
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.stderr).toContain('best:');
    expect(run.code, run.stderr).toBe(0);
    // The start line says how the jail's limits are enforced (none would also be warned about, loudly).
    if (!process.env.EVOLVE_TEST_UNSAFE) expect(run.stderr).toMatch(/sandbox: bwrap \(limits: (cgroup|systemd|systemd-system|none)\)/);

    const sql = new Database(db, { readonly: true });
    const rows = sql.prepare('SELECT * FROM candidates ORDER BY generation, id').all() as Row[];
    const runRow = sql.prepare('SELECT * FROM runs').get() as { id: string; status: string; config_json: string };
    expect(runRow.status).toBe('done');
    const started = JSON.parse((sql.prepare("SELECT data_json FROM events WHERE kind = 'run_started'").get() as { data_json: string }).data_json);
    expect(started.sandbox_limits).toMatch(/^(cgroup|systemd|systemd-system|none)$/);
    expect(JSON.parse(runRow.config_json).test).toEqual({ cmd: 'node run-tests.mjs', from: 'package.json' });
    expect(rows).toHaveLength(1 + 3 * 2);
    const seed = rows.find((r) => r.generation === 0)!;
    expect(seed).toMatchObject({ parent_id: null, commit_sha: headBefore, survived: 1, status: 'passed', tests_passed: 1 });
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows.filter((x) => x.generation > 0)) {
      const parent = byId.get(r.parent_id!)!;
      expect(parent.generation).toBe(r.generation - 1);
      // the commit is on its branch, directly on top of the parent's commit
      expect(git(repo, 'rev-parse', r.branch!)).toBe(r.commit_sha);
      expect(git(repo, 'rev-parse', `${r.commit_sha}^`)).toBe(parent.commit_sha);
      // memory grows along each lineage
      const history = (sha: string) => JSON.parse(git(repo, 'show', `${sha}:agent_context.json`)).history.length;
      expect(history(r.commit_sha)).toBeGreaterThan(history(parent.commit_sha));
      // survivors are exactly the passing children (one passing plan per generation, k = 2)
      expect(r.survived).toBe(r.status === 'passed' ? 1 : 0);
    }
    const statuses = (g: number) => rows.filter((r) => r.generation === g).map((r) => r.status).sort();
    expect(statuses(1)).toEqual(['failed', 'passed', 'rejected']);
    expect(statuses(2)).toEqual(['failed', 'passed', 'rejected']);
    // generation 2 descends from generation 1's survivor and inherited its failed siblings' lessons
    const survivor1 = rows.find((r) => r.generation === 1 && r.survived === 1)!;
    for (const r of rows.filter((x) => x.generation === 2)) {
      expect(r.parent_id).toBe(survivor1.id);
      const history = JSON.parse(git(repo, 'show', `${r.commit_sha}:agent_context.json`)).history as { recordedBy?: string; candidate?: string }[];
      expect(history.filter((h) => h.recordedBy === 'runner').map((h) => h.candidate).sort())
        .toEqual(rows.filter((x) => x.generation === 1 && x.status !== 'passed').map((x) => x.id).sort());
    }
    const kinds = (sql.prepare('SELECT DISTINCT kind FROM events').all() as { kind: string }[]).map((k) => k.kind);
    for (const k of ['forked', 'agent_started', 'agent_finished', 'committed', 'tested', 'scored', 'rejected', 'selected', 'model_call']) expect(kinds).toContain(k);
    sql.close();

    // the target checkout is exactly as it was
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(git(repo, 'status', '--porcelain')).toBe('?? notes.txt');
    expect(readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('the user\'s own untracked file\n');
    expect(readFileSync(path.join(repo, '.git', 'index'))).toEqual(indexBefore);
    expect(git(repo, 'branch', '--show-current')).toBe('main');

    // the real key reached the upstream on every call; candidates saw only their own tokens
    expect(standin.requests.length).toBe(6);
    for (const req of standin.requests) expect(req.headers['x-api-key']).toBe(REAL_KEY);
    const everything = git(repo, 'log', '--all', '-p');
    expect(everything).not.toContain(REAL_KEY);
    const seen = rows.filter((r) => r.generation > 0).map((r) => JSON.parse(git(repo, 'show', `${r.commit_sha}:agent_context.json`)).history.at(-1).keySeen as string | undefined).filter(Boolean);
    expect(seen.length).toBeGreaterThan(0);
    for (const key of seen) expect(REAL_KEY.startsWith(key!)).toBe(false);
    // survivors were pushed, and only they
    const pushed = git(remote, 'for-each-ref', '--format=%(refname:short) %(objectname)').split('\n').sort();
    expect(pushed).toEqual(rows.filter((r) => r.generation > 0 && r.survived).map((r) => `${r.branch} ${r.commit_sha}`).sort());
    // workspaces are gone, branches stay
    expect(existsSync(path.join(defaultWorkdir(repo), runRow.id))).toBe(false);
    expect(existsSync(path.join(repo, '.git', 'evolve'))).toBe(false);
    expect(git(repo, 'branch', '--list', 'evolve/*').split('\n')).toHaveLength(6);
  });
});

describe('evolve --strategy dgm', () => {
  it('samples parents from every passing candidate so far, reproducibly recorded', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    standin = await startStandin({ script: planScript((i) => (i % 2 ? failingPlan(i) : passingPlan(i))), apiKey: REAL_KEY });
    const run = await evolve(['--population', '2', '--generations', '3', '--strategy', 'dgm', '--no-tui', '--target', repo, '--db', db, ...sandboxFlag()],
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const rows = sql.prepare('SELECT * FROM candidates ORDER BY generation').all() as Row[];
    const config = JSON.parse((sql.prepare('SELECT config_json FROM runs').get() as { config_json: string }).config_json);
    sql.close();
    expect(config.strategy).toBe('dgm');
    expect(rows).toHaveLength(1 + 2 * 3);
    const passing = new Set(rows.filter((r) => r.status === 'passed').map((r) => r.id));
    for (const r of rows) {
      if (r.generation > 0) expect(r.survived).toBe(r.status === 'passed' ? 1 : 0);
      // every parent was a passing candidate of an earlier generation (the archive), never a failed one
      if (r.parent_id) expect(passing.has(r.parent_id)).toBe(true);
    }
  });
});

describe('a candidate that changes the lockfile', () => {
  it('gets dependencies installed for it alone, recorded as deps_installed', async () => {
    const lock = (version: string) => JSON.stringify({ name: 'toy', version, lockfileVersion: 3, requires: true, packages: { '': { name: 'toy', version } } }, null, 2) + '\n';
    const manifest = (version: string) => JSON.stringify({ name: 'toy', version, type: 'module', scripts: { test: 'node run-tests.mjs' }, evolve: { agent: 'node agent.mjs' } }, null, 2) + '\n';
    const repo = makeToyRepo({ 'package.json': manifest('1.0.0'), 'package-lock.json': lock('1.0.0') });
    const db = path.join(tempDir(), 'lineage.db');
    const bump = { ...passingPlan(1), files: { ...passingPlan(1).files, 'package.json': manifest('1.1.0'), 'package-lock.json': lock('1.1.0') } };
    standin = await startStandin({ script: planScript(() => bump), apiKey: REAL_KEY });
    const run = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, ...sandboxFlag()],
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const installed = sql.prepare("SELECT data_json FROM events WHERE kind = 'deps_installed'").all() as { data_json: string }[];
    const child = sql.prepare('SELECT status FROM candidates WHERE generation = 1').get() as { status: string };
    sql.close();
    expect(installed).toHaveLength(1);
    expect(JSON.parse(installed[0].data_json)).toMatchObject({ ok: true, exit_code: 0 });
    expect(child.status).toBe('passed');
  });
});

describe('an agent silent past its deadline', () => {
  it('is killed and makes a failed candidate, with the failure recorded in its context by the runner', async () => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    standin = await startStandin({ script: () => ({ delayMs: 60_000 }), apiKey: REAL_KEY });
    const run = await evolve(['--population', '1', '--generations', '1', '--candidate-timeout', '2', '--no-tui', '--target', repo, '--db', db, ...sandboxFlag()],
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const child = sql.prepare('SELECT * FROM candidates WHERE generation = 1').get() as Row;
    sql.close();
    expect(child).toMatchObject({ status: 'failed', error: 'agent: no result before the deadline' });
    const history = JSON.parse(git(repo, 'show', `${child.commit_sha}:agent_context.json`)).history;
    expect(history.at(-1)).toMatchObject({ result: 'failure', recordedBy: 'runner', details: 'agent: no result before the deadline' });
  });
});

function sandboxFlag(): string[] {
  return process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [];
}
