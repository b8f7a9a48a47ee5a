import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('the evolve bin starts and offers every command of contract 1', () => {
  const help = execFileSync(process.execPath, ['bin/evolve.mjs', '--help'], { encoding: 'utf8' });
  for (const command of ['run', 'watch', 'lineage', 'show', 'export', 'demo', 'adopt', 'clean']) {
    expect(help).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  }
});
