import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../src/standin/index.ts';
import { emptyPlan, failingPlan, makeToyRepo, passingPlan, planScript } from '../evolve/toy.ts';
import { waitFor } from '../wait.ts';

/**
 * A real `evolve run` with the live view, in tmux: the runner's toy target, whose scripted agent asks the stand-in
 * model for its plan. The agent is trusted test code, so the run goes without the jail (which also shows the loud
 * UNSAFE label end to end). Waits for what the screen says, never for a fixed time.
 */
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `evolve-tui-run-${process.pid}`;
const BIN = join(import.meta.dirname, '../../bin/evolve.mjs');
const KEY = 'sk-ant-real-key-for-the-upstream-only-0123456789';
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const dirs: string[] = [];
let standin: Standin | null = null;

afterEach(async () => {
  await standin?.close();
  standin = null;
});
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startRun(name: string, generations: number, delayMs: number) {
  const plans = [passingPlan, failingPlan, emptyPlan];
  standin = await startStandin({ script: planScript((i) => plans[i % 3](i), delayMs), apiKey: KEY });
  const repo = makeToyRepo();
  const dir = mkdtempSync(join(tmpdir(), 'evolve-tui-run-'));
  dirs.push(dir, repo);
  const db = join(dir, 'lineage.db');
  const cmd = `env ANTHROPIC_API_KEY=${KEY} ANTHROPIC_BASE_URL=${standin.url} node ${BIN} --population 3 --generations ${generations} ` +
    `--target ${repo} --db ${db} --unsafe-no-sandbox; echo "EXITED $?"; sleep 120`;
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', cmd);
  const screen = () => tmux('capture-pane', '-p', '-t', name);
  const until = (test: (s: string) => boolean, what: string) => waitFor(() => test(screen()), () => `${what}; screen:\n${screen()}`, 60_000);
  return { db, screen, until, keys: (...k: string[]) => tmux('send-keys', '-t', name, ...k) };
}

describe.skipIf(!hasTmux)('evolve run with the live view (tmux)', () => {
  it('draws the run as it happens and closes on its final state, then prints the summary', async () => {
    const run = await startRun('done', 2, 700);
    // The banner is checked on the same capture as the rest of the frame (a capture may land mid-redraw).
    await run.until((s) => s.includes('q quit') && s.includes('seed (target HEAD)') && s.includes('UNSAFE: NO SANDBOX'), 'the live view with its banner');
    await run.until((s) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (decide|modify|running|evaluating)/.test(s), 'a running candidate with its phase');
    await run.until((s) => s.includes('EXITED 0'), 'the end of the run');
    const s = run.screen();
    expect(s).toMatch(/evolve \d{8}-\d{6}-[0-9a-f]{4} {2}done/);
    expect(s).toMatch(/gen 2\/2 {2}0 running {2}6 done/);
    expect(s).toMatch(/★ .*passed\s+10[0-9]\s+g2 .*add feature/);
    expect(s).toMatch(/evolve: best: \S+ \(generation 2/);
  });

  it('q asks first; n keeps the run going, y stops it (resumable) and leaves the view', async () => {
    const run = await startRun('stop', 3, 1500);
    await run.until((s) => s.includes('q quit') && /⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/.test(s), 'a live run');
    run.keys('q');
    await run.until((s) => s.includes('Stop the run? (y/n)'), 'the question');
    run.keys('n');
    await run.until((s) => s.includes('q quit') && !s.includes('Stop the run?'), 'the question withdrawn');
    run.keys('q');
    await run.until((s) => s.includes('Stop the run? (y/n)'), 'the question again');
    run.keys('y');
    await run.until((s) => /EXITED \d/.test(s), 'the stopped run to end');
    expect(run.screen()).toMatch(/evolve: run \S+ stopped \(interrupted\)/);
    const sql = new Database(run.db, { readonly: true });
    expect((sql.prepare('SELECT status FROM runs').get() as { status: string }).status).toBe('stopped');
    sql.close();
  });
});
