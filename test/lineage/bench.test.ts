import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './cli-helpers.ts';

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run bench', () => {
  it('lists the benches without a name and refuses an unknown one', async () => {
    const none = await bench([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/benches: .*\blineage\b/);
    const unknown = await bench(['nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no bench named "nope"/);
  });

  it('runs a bench as if it were run directly: its own path in argv[1], the rest of the arguments after it', async () => {
    const r = await bench(['lineage', '--candidates', '12', '--batch', '5', '--no-processes']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).insert).toMatchObject({ candidates_per_transaction: 5, transactions: 3 });
  });

  it('runs the lineage bench (small) and prints its figures as JSON', async () => {
    const r = await bench(['lineage', '--candidates', '41', '--no-processes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const figures = JSON.parse(r.stdout);
    expect(figures).toMatchObject({ candidates: 41, events: 41 * 102 - 1 /* the seed is not forked */, ancestry_ids: { depth: 4 }, candidate_events: { events: 102 } });
    expect(figures.tree_load.median_ms).toBeGreaterThan(0);
    expect(figures.file.bytes).toBeGreaterThan(0);
  });
});
