import { execFileSync, spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('the evolve bin starts and offers every command of contract 1', () => {
  const help = execFileSync(process.execPath, ['bin/evolve.mjs', '--help'], { encoding: 'utf8' });
  for (const command of ['run', 'watch', 'lineage', 'show', 'export', 'demo', 'adopt', 'clean']) {
    expect(help).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  }
});

test('an unknown command is named as such, in one line, with exit code 2', () => {
  const r = spawnSync(process.execPath, ['bin/evolve.mjs', 'frobnicate'], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("evolve: unknown command 'frobnicate' (see evolve --help)\n");
});

test('the help says that run is the default command', () => {
  const help = execFileSync(process.execPath, ['bin/evolve.mjs', '--help'], { encoding: 'utf8' });
  expect(help.replace(/\s+/g, ' ')).toContain('run [options] (the default command: `evolve --population …` is `evolve run --population …`)');
});

test("run's help gives --concurrency's real default: the population, capped (a population of 20 runs 8 at once)", async () => {
  const { DEFAULT_MAX_CONCURRENCY } = await import('../../src/evolve/config.ts');
  const help = execFileSync(process.execPath, ['bin/evolve.mjs', 'run', '--help'], { encoding: 'utf8' });
  expect(help.replace(/\s+/g, ' ')).toContain(`--concurrency <n> children running at once (default: the population, at most ${DEFAULT_MAX_CONCURRENCY})`);
});

test('--version prints the version from package.json and exits 0', async () => {
  const { version } = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
  const r = spawnSync(process.execPath, ['bin/evolve.mjs', '--version'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(`${version}\n`);
});
