/**
 * The lines the demo prints after its run are commands to paste. A newcomer who ran the README's quick start
 * (`npm ci && npm run demo` in a fresh clone) has no `evolve` on PATH, and `npm run evolve` does not work in the
 * demo's repository (it has its own package.json): "evolve lineage" was "command not found". Each suggested
 * command must run as printed, with or without evolve on PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextSteps, type DemoResult } from '../../src/demo/run-demo.ts';
import { EVOLVE_BIN, evolveCommand } from '../../src/cli/self-command.ts';
import { parseRunOptions } from '../../src/cli/config.ts';
import { freezeConfig } from '../../src/evolve/config.ts';
import { openStore } from '../../src/lineage/store.ts';
import type { CandidateRow } from '../../src/lineage/schema.ts';
import { tempDir } from '../evolve/helpers.ts';

const RUN = '20261202-120000-abcd';

/** A finished one-candidate run in `dir`/lineage.db, as the runner writes it. */
function finishedRun(dir: string): void {
  const store = openStore(path.join(dir, 'lineage.db'));
  const flags = parseRunOptions({ population: '1', generations: '1' }, {});
  store.createRun({ id: RUN, target: dir, config: { ...freezeConfig({ ...flags, population: 1, generations: 1 }, JSON.stringify({ scripts: { test: 'node --test' } }), 1), target: dir } });
  store.addCandidate({ id: '5eed0001', runId: RUN, generation: 0, parentId: null, branch: null, baseCommit: null, commitSha: 'abc1234', status: 'passed', step: 'selected' });
  store.close();
}

const result = (repo: string, best = 0): DemoResult => ({
  repo, db: path.join(repo, 'lineage.db'),
  summary: { runId: RUN, status: 'done', stopReason: null, candidates: 1, passed: 1, best: { id: '5eed0001', generation: best } as CandidateRow, lineage: ['5eed0001'], inputTokens: 0, cacheReadTokens: 0, outputTokens: 0, costUsd: 0 },
});

/** The shell command of a suggested line: its text before the `#` comment. */
const commandOf = (line: string) => line.replace(/\s+#.*$/, '').trim();

describe('evolveCommand', () => {
  it('is this installation through node when no evolve is on PATH', () => {
    expect(evolveCommand(tempDir())).toBe(`node ${EVOLVE_BIN}`);
    expect(evolveCommand('')).toBe(`node ${EVOLVE_BIN}`);
  });

  it('is `evolve` when the first evolve on PATH is this installation (npm link makes a symlink to bin/evolve.mjs)', () => {
    const bin = tempDir();
    symlinkSync(EVOLVE_BIN, path.join(bin, 'evolve'));
    expect(evolveCommand(`/nonexistent:${bin}:/usr/bin`)).toBe('evolve');
  });

  it('is not `evolve` when the first evolve on PATH is some other program', () => {
    const other = tempDir();
    writeFileSync(path.join(other, 'evolve'), '#!/bin/sh\necho another evolve\n');
    chmodSync(path.join(other, 'evolve'), 0o755);
    const ours = tempDir();
    symlinkSync(EVOLVE_BIN, path.join(ours, 'evolve'));
    expect(evolveCommand(`${other}:${ours}`)).toBe(`node ${EVOLVE_BIN}`);
  });
});

describe("the demo's next steps", () => {
  it('run as printed (cd included, a path with a space and a quote) when evolve is not on PATH (the best being the seed here)', () => {
    const repo = path.join(tempDir('evolve-next-steps-'), "the user's repo");
    mkdirSync(repo);
    finishedRun(repo);
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const lines = nextSteps(result(repo), evolveCommand(path.dirname(process.execPath)));
    const suggested = lines.filter((l) => l.startsWith('  node ')).map(commandOf);
    expect(suggested.map((c) => c.split(' ')[2])).toEqual(['lineage', 'watch', 'show', 'report']);
    expect(lines.at(-1)).toContain('npm link');
    const cd = lines.find((l) => l.startsWith('explore it: '))!.slice('explore it: '.length);
    const env = { PATH: path.dirname(process.execPath) + ':/usr/bin:/bin', HOME: repo };
    for (const command of suggested) {
      const r = spawnSync('sh', ['-c', `${cd} && ${command}`], { cwd: '/', env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(r.status, `${command}: ${r.stderr}`).toBe(0);
    }
  }, 60_000);

  it('say just `evolve` once it is on PATH, and keep the comments in one column', () => {
    const lines = nextSteps(result('/r', 3));
    expect(lines).toContain('explore it: cd /r');
    const commented = lines.filter((l) => l.includes(' # '));
    expect(commented.map((l) => commandOf(l))).toEqual(['evolve lineage', 'evolve watch', 'evolve show 5eed0001 --diff', 'evolve report']);
    expect(new Set(commented.map((l) => l.indexOf(' # '))).size).toBe(1);
    expect(lines.some((l) => l.includes('npm link'))).toBe(false);
  });

  it('show the seed without --diff when it is the best (no child passed): it has no parent to diff against', () => {
    expect(nextSteps(result('/r', 0)).map(commandOf)).toContain('evolve show 5eed0001');
  });
});
