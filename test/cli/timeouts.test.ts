/**
 * Timeouts are seconds that end up in setTimeout (whose delay is a signed 32-bit count of milliseconds) and in the
 * agent's deadline (a Date). `--candidate-timeout 1e99` used to be accepted and made every candidate an `error`
 * ("runner: Invalid time value"); `"buildTimeout": 3000000` (35 days) overflowed setTimeout, which Node then fires
 * after 1 ms: the seed's build "timed out" at once. Both are bad input: one line, exit code 2, before anything is
 * created.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../src/cli/config.ts';
import { makeRepo } from '../evolve/helpers.ts';

const bin = path.resolve('bin/evolve.mjs');
const repo = makeRepo({ 'package.json': '{"name":"x","scripts":{"test":"echo 1 passed"}}\n' });
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function refuse(file: Record<string, unknown>): string {
  try {
    parseRunOptions({}, { population: 1, generations: 1, ...file });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(file)}`);
}

describe('timeouts past what a timer can wait', () => {
  it('are refused with the option named', () => {
    expect(refuse({ candidateTimeout: 1e99 })).toMatch(/^--candidate-timeout must be at most 2147483 seconds/);
    expect(refuse({ buildTimeout: 3_000_000 })).toMatch(/^buildTimeout must be at most 2147483 seconds/);
    expect(refuse({ testTimeout: Infinity })).toMatch(/^testTimeout must be/);
  });

  it('still take any length up to that', () => {
    const o = parseRunOptions({ candidateTimeout: '2147483' }, { population: 1, generations: 1, buildTimeout: 86_400, testTimeout: 0.5 });
    expect([o.candidateTimeout, o.buildTimeout, o.testTimeout]).toEqual([2_147_483, 86_400, 0.5]);
  });

  it('end `evolve run` with one line and exit code 2, creating nothing', () => {
    const db = path.join(repo, 'lineage.db');
    const r = spawnSync(process.execPath, [bin, '--population', '1', '--generations', '1', '--candidate-timeout', '99999999', '--no-tui', '--db', db],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, ANTHROPIC_API_KEY: 'sk-test' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^evolve: --candidate-timeout must be at most 2147483 seconds/)]);
    expect(existsSync(db)).toBe(false);
  });
});
