/**
 * The config file and the flags share one validation (src/cli/config.ts): a value of the wrong type is refused
 * with one line naming the option, never coerced (Number(true) is 1), and an unknown key — also inside
 * `weights` — is refused rather than silently ignored.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeRepo } from '../evolve/helpers.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../src/cli/config.ts';

const bin = path.resolve('bin/evolve.mjs');
let dir: string;
let repo: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-config-'));
  repo = makeRepo({ 'package.json': '{"name":"x","scripts":{"test":"echo 1 passed"}}\n' });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

function refuse(file: Record<string, unknown>, flags: Record<string, unknown> = {}): string {
  try {
    parseRunOptions(flags, file);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(file)} ${JSON.stringify(flags)}`);
}

describe('config file values of the wrong type', () => {
  it('refuses booleans, arrays and empty strings where a number belongs', () => {
    expect(refuse({ population: true, generations: 1 })).toBe('--population must be a number');
    expect(refuse({ population: [2], generations: 1 })).toBe('--population must be a number');
    expect(refuse({ population: 2, generations: '' })).toBe('--generations must be a number');
    expect(refuse({ population: 2, generations: 1, candidateTimeout: false })).toBe('--candidate-timeout must be a number');
    expect(refuse({ population: 2, generations: 1, budgetUsd: true })).toMatch(/^--budget-usd must be a positive amount of USD/);
    expect(refuse({ population: 2, generations: 1, seed: 'abc' })).toBe('seed must be a number');
  });

  it('still takes numbers, numeric strings (flags) and "unlimited"', () => {
    const o = parseRunOptions({ population: '3', budgetUsd: 'unlimited' }, { generations: 2, candidateBudgetUsd: 0.5, seed: 7 });
    expect([o.population, o.generations, o.budgetUsd, o.candidateBudgetUsd, o.seed]).toEqual([3, 2, Infinity, 0.5, 7]);
  });

  it('names --model and --push when they are empty or not text', () => {
    expect(refuse({ population: 2, generations: 1 }, { model: '' })).toBe('--model must not be empty');
    expect(refuse({ population: 2, generations: 1, model: 5 })).toBe('--model must be a model id');
    expect(refuse({ population: 2, generations: 1 }, { push: '' })).toBe('--push must not be empty');
  });

  it('names an unknown key inside weights', () => {
    expect(refuse({ population: 2, generations: 1, weights: { passrate: 50 } })).toBe('unknown option weights.passrate in the config file');
  });
});

describe('the CLI on bad config and flag values', () => {
  function evolve(...args: string[]) {
    return spawnSync(process.execPath, [bin, ...args, '--target', repo, '--db', path.join(dir, 'lineage.db'), '--no-tui'], {
      encoding: 'utf8', env: { ...process.env, ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
    });
  }

  it('--budget-usd abc names the flag, in one line, exit 2, nothing created', () => {
    const r = evolve('--population', '1', '--generations', '1', '--budget-usd', 'abc');
    expect(r.stderr).toBe('evolve: --budget-usd must be a positive amount of USD (or "unlimited")\n');
    expect(r.status).toBe(2);
    expect(existsSync(path.join(dir, 'lineage.db'))).toBe(false);
  });

  it('--workdir inside the working tree is refused (workspaces never go there), exit 2, nothing created', () => {
    const r = evolve('--population', '1', '--generations', '1', '--workdir', path.join(repo, 'ws'));
    expect(r.stderr).toMatch(/^evolve: --workdir \S+ is inside the working tree of \S+: choose a directory outside it \(default: \S+\)\n$/);
    expect(r.status).toBe(2);
    expect(existsSync(path.join(repo, 'ws'))).toBe(false);
    expect(existsSync(path.join(dir, 'lineage.db'))).toBe(false);
  });

  it('a config file with "population": true is refused, exit 2, nothing created', () => {
    const config = path.join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ population: true, generations: 1 }));
    const r = evolve('--config', config);
    expect(r.stderr).toBe('evolve: --population must be a number\n');
    expect(r.status).toBe(2);
    expect(existsSync(path.join(dir, 'lineage.db'))).toBe(false);
    expect(execFileSync('git', ['-C', repo, 'branch', '--list', 'evolve/*'], { encoding: 'utf8' })).toBe('');
  });
});
