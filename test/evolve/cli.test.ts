import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunOptions, readConfigFile, refuseFrozenFlags } from '../../src/cli/config.ts';
import { defaultWorkdir } from '../../src/evolve/repo/workdir.ts';
import { evolve, git, tempDir } from './helpers.ts';
import { makeToyRepo } from './toy.ts';

const KEY = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

describe('evolve run: bad input is refused with one line and exit 2, before anything is created', () => {
  const repo = makeToyRepo();
  const dirty = makeToyRepo();
  writeFileSync(path.join(dirty, 'lib/add.mjs'), 'changed\n');
  const notRepo = tempDir();
  const dir = tempDir();
  const notDb = path.join(dir, 'notes.txt');
  writeFileSync(notDb, 'just some notes\n');
  const base = (target: string, db = path.join(tempDir(), 'lineage.db')) => ['--population', '2', '--generations', '1', '--no-tui', '--target', target, '--db', db];

  it.each([
    { name: 'not a git repository', args: base(notRepo), env: KEY, says: 'not a git repository' },
    { name: 'a dirty target', args: base(dirty), env: KEY, says: 'uncommitted changes' },
    { name: 'no API key', args: base(repo), env: {}, says: 'ANTHROPIC_API_KEY' },
    { name: 'zero population', args: [...base(repo), '--population', '0'], env: KEY, says: '--population must be at least 1' },
    { name: 'negative generations', args: [...base(repo), '--generations', '-2'], env: KEY, says: '--generations must be at least 1' },
    { name: 'non-numeric population', args: [...base(repo), '--population', 'many'], env: KEY, says: '--population must be a number' },
    { name: 'hexadecimal population', args: [...base(repo), '--population', '0x2'], env: KEY, says: '--population must be a number' },
    { name: 'exponent generations', args: [...base(repo), '--generations', '1e1'], env: KEY, says: '--generations must be a number' },
    { name: 'fractional survivors', args: [...base(repo), '--survivors', '1.5'], env: KEY, says: '--survivors must be a whole number' },
    { name: 'missing generations', args: ['--population', '2', '--target', repo, '--db', path.join(tempDir(), 'x.db')], env: KEY, says: '--generations is required' },
    { name: 'unknown strategy', args: [...base(repo), '--strategy', 'random'], env: KEY, says: 'random' },
    { name: 'db path is a directory', args: base(repo, dir), env: KEY, says: 'is a directory' },
    { name: 'db is not a database', args: base(repo, notDb), env: KEY, says: 'not an SQLite database' },
    { name: 'a --push remote that does not exist', args: [...base(repo), '--push', 'orign'], env: KEY, says: '--push orign: not a remote' },
    // (no --population/--generations: with --resume they are refused on their own, test/evolve/resume-flags.test.ts)
    { name: 'unknown run id', args: ['--no-tui', '--target', repo, '--db', path.join(tempDir(), 'none.db'), '--resume', '20260101-000000-abcd'], env: KEY, says: 'resume' },
  ])('$name', async ({ args, env, says }) => {
    const db = args[args.indexOf('--db') + 1];
    const dbExisted = existsSync(db);
    const target = args[args.indexOf('--target') + 1];
    const branchesBefore = existsSync(path.join(target, '.git')) ? git(target, 'branch', '--list') : '';
    const { code, stderr } = await evolve(args, env);
    expect(code, stderr).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(says);
    if (!dbExisted) expect(existsSync(db)).toBe(false);
    if (existsSync(path.join(target, '.git'))) {
      expect(existsSync(path.join(target, '.git', 'evolve'))).toBe(false);
      expect(existsSync(defaultWorkdir(target))).toBe(false);
      expect(git(target, 'branch', '--list')).toBe(branchesBefore);
    }
  });

  it('leaves a file that is not a database untouched', async () => {
    await evolve(base(repo, notDb), KEY);
    expect(readFileSync(notDb, 'utf8')).toBe('just some notes\n');
  });
});

describe('run options', () => {
  it('takes the config file under the flags', () => {
    const o = parseRunOptions({ population: '4' }, { population: 2, generations: 3, strategy: 'dgm', protectedPaths: ['secrets/'], weights: { diffLog2: 0.5 } });
    expect(o).toMatchObject({ population: 4, generations: 3, strategy: 'dgm', protectedPaths: ['secrets/'], weights: { diffLog2: 0.5 }, budgetUsd: 10, tui: true });
  });

  it('refuses unknown options in the config file and accepts "unlimited" budgets', () => {
    expect(() => parseRunOptions({}, { population: 1, generations: 1, populaton: 3 })).toThrow(/unknown option populaton/);
    expect(parseRunOptions({ budgetUsd: 'unlimited' }, { population: 1, generations: 1 }).budgetUsd).toBe(Infinity);
  });

  it('takes --agent from the flags over the config file, and keeps it frozen on --resume', () => {
    expect(parseRunOptions({}, { population: 1, generations: 1, agent: 'claude-code' }).agent).toBe('claude-code');
    expect(parseRunOptions({ agent: 'node my-agent.mjs' }, { population: 1, generations: 1, agent: 'claude-code' }).agent).toBe('node my-agent.mjs');
    expect(parseRunOptions({}, { population: 1, generations: 1 }).agent).toBeUndefined();
    expect(() => parseRunOptions({ agent: '  ' }, { population: 1, generations: 1 })).toThrow('--agent must not be empty');
    expect(() => refuseFrozenFlags({ resume: true, agent: 'builtin' })).toThrow(/--agent cannot change when resuming/);
  });

  it('reads evolve.config.json from the target, and --config only when it exists', () => {
    const target = tempDir();
    expect(readConfigFile(undefined, target)).toEqual({});
    writeFileSync(path.join(target, 'evolve.config.json'), '{"population": 5}');
    expect(readConfigFile(undefined, target)).toEqual({ population: 5 });
    expect(() => readConfigFile(path.join(target, 'nope.json'), target)).toThrow(/no such file/);
    mkdirSync(path.join(target, 'bad'));
    writeFileSync(path.join(target, 'bad', 'c.json'), '[1]');
    expect(() => readConfigFile(path.join(target, 'bad', 'c.json'), target)).toThrow(/JSON object/);
    // "resume": true in the file would make every later `evolve` a resume.
    writeFileSync(path.join(target, 'bad', 'r.json'), '{"population": 1, "generations": 1, "resume": true}');
    expect(() => readConfigFile(path.join(target, 'bad', 'r.json'), target)).toThrow(/"resume" is not a config option \(pass --resume on the command line\)/);
  });
});
