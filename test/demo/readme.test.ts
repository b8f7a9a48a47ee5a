/**
 * What the README and the docs pages show is what evolve prints: the cost estimate of the README's first run, the
 * view of docs/tui.md (drawn from a lineage.db written the way the runner writes it, with the runner's own score),
 * the README's size, and every link between the pages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../src/cli/config.ts';
import { freezeConfig } from '../../src/evolve/config.ts';
import { estimateLines } from '../../src/evolve/preflight.ts';
import { DEFAULT_PRICES } from '../../src/evolve/proxy/prices.ts';
import { progressOf, score } from '../../src/evolve/judge/score.ts';
import { openStore } from '../../src/lineage/store.ts';
import type { CandidateStatus } from '../../src/lineage/schema.ts';
import { openSource } from '../../src/tui/source.ts';
import { snapshotText } from '../../src/tui/snapshot.ts';
import { hintsLine } from '../../src/tui/format.ts';
import { ROOT, tempDir } from '../evolve/helpers.ts';
import { sampleEvent } from '../lineage/event-samples.ts';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const README = read('README.md');

describe('README.md', () => {
  it('is a page a newcomer reads in minutes: under 25 KB', () => {
    expect(Buffer.byteLength(README)).toBeLessThan(25 * 1024);
  });

  it('shows the estimate `evolve --population 3 --generations 5` prints with the defaults and no history', () => {
    const flags = parseRunOptions({ population: '3', generations: '5' }, {});
    const config = freezeConfig({ ...flags, population: 3, generations: 5 }, JSON.stringify({ scripts: { test: 'node --test' } }), 1);
    const printed = estimateLines(join(tempDir(), 'lineage.db'), config, DEFAULT_PRICES).map((l) => `evolve: ${l}`);
    const block = /```\n(evolve: 15 candidates[\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBe(printed.join('\n') + '\n');
  });
});

describe('docs/cli.md', () => {
  /** What `evolve --population 3 --generations 5 [--budget-usd <x>]` prints with no history, one string per line. */
  const estimate = (budgetUsd?: string) => {
    const flags = parseRunOptions({ population: '3', generations: '5', ...(budgetUsd ? { budgetUsd } : {}) }, {});
    const config = freezeConfig({ ...flags, population: 3, generations: 5 }, JSON.stringify({ scripts: { test: 'node --test' } }), 1);
    return estimateLines(join(tempDir(), 'lineage.db'), config, DEFAULT_PRICES);
  };

  it('shows estimate lines that evolve prints (the defaults, and the warning of a $5.00 budget)', () => {
    const blocks = [...read('docs/cli.md').matchAll(/```\n((?:15 candidates|warning:)[^\n]*)\n```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(2);
    const printed = [...estimate(), ...estimate('5')];
    for (const line of blocks) expect(printed).toContain(line);
  });
});

describe('the docs pages', () => {
  const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
  const anchor = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
  const anchors = (file: string) => new Set([...read(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1].trim())));

  it.each(pages)('%s links only to pages and headings that exist', (page) => {
    const dir = page.includes('/') ? page.slice(0, page.lastIndexOf('/') + 1) : '';
    for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file, hash] = target.split('#');
      const resolved = file ? join(dir, file) : page;
      expect(existsSync(join(ROOT, resolved)), `${page} → ${target}`).toBe(true);
      if (hash) expect([...anchors(resolved)], `${page} → ${target}`).toContain(hash);
    }
  });
});

describe('docs/INTERNALS.md', () => {
  it('walks one candidate from fork to score in at most 20 steps, each naming a file that exists', () => {
    const text = read('docs/INTERNALS.md');
    const walk = text.slice(text.indexOf('## One candidate, from fork to score')).split(/\n## /)[0];
    const steps = [...walk.matchAll(/^(\d+)\. `([^`]+)`/gm)];
    expect(steps.map((m) => Number(m[1]))).toEqual(steps.map((_, i) => i + 1));
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.length).toBeLessThanOrEqual(20);
    for (const [, , file] of steps) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });
});

const RUN = '20261125-200501-ab12';
const START = Date.parse('2026-11-25T20:05:01Z');
const at = (s: number) => new Date(START + s * 1000).toISOString();

interface Child {
  id: string; gen: number; parent: string; status: CandidateStatus; goal: string; passed?: number; failed?: number;
  added: number; removed: number; tokens?: [number, number]; cost?: number; error?: string; survivorRank?: number;
}

/** A run in its third generation, written through the store as the runner writes it: rows, events, selection. */
function viewStore(): string {
  const path = join(tempDir('evolve-readme-'), 'lineage.db');
  let clock = START;
  const store = openStore(path, { now: () => new Date(clock) });
  const flags = parseRunOptions({ population: '3', generations: '3', budgetUsd: '5' }, {});
  store.createRun({ id: RUN, target: '/home/dev/evolve', config: { ...freezeConfig({ ...flags, population: 3, generations: 3 }, JSON.stringify({ scripts: { test: 'vitest run' } }), 7), target: '/home/dev/evolve' }, startedAt: at(0) });
  store.appendEvent({ runId: RUN, candidateId: null, kind: 'run_started', data: sampleEvent('run_started', { population: 3, generations: 3, test: 'vitest run' }), at: at(0) });
  store.addCandidate({ id: '5eed0c1e', runId: RUN, generation: 0, parentId: null, branch: null, baseCommit: null, commitSha: '9f1c2e7', status: 'passed', step: 'selected', startedAt: at(0) });
  const seedScore = score({ buildOk: true, testsPassed: 40, testsFailed: 0, parentPassed: 40, parentProgress: 0, diffAdded: 0, diffRemoved: 0 });
  store.updateCandidate('5eed0c1e', { diff_added: 0, diff_removed: 0, build_ok: 1, tests_passed: 40, tests_failed: 0, score: seedScore, survived: 1, finished_at: at(4) });
  store.appendEvent({ runId: RUN, candidateId: '5eed0c1e', kind: 'selected', data: { generation: 0, rank: 1, seed: true }, at: at(4) });

  const tests = new Map<string, number>([['5eed0c1e', 40]]);
  const progress = new Map<string, number>([['5eed0c1e', 0]]);
  const children: Child[] = [
    { id: 'a1b2c3d4', gen: 1, parent: '5eed0c1e', status: 'passed', goal: 'Cache parsed configs between runs to cut start-up time', passed: 42, failed: 0, added: 58, removed: 12, tokens: [41200, 6100], cost: 0.21, survivorRank: 1 },
    { id: 'b5e6f708', gen: 1, parent: '5eed0c1e', status: 'passed', goal: 'Add retries with backoff to the HTTP client', passed: 41, failed: 0, added: 34, removed: 3, tokens: [38000, 5000], cost: 0.18, survivorRank: 2 },
    { id: 'c9d0e1f2', gen: 1, parent: '5eed0c1e', status: 'failed', goal: 'Rewrite the scheduler around worker threads', passed: 30, failed: 11, added: 410, removed: 220, tokens: [90000, 14000], cost: 0.44, error: 'tests failed: 11 of 41' },
    { id: 'd3e4f5a6', gen: 2, parent: 'a1b2c3d4', status: 'passed', goal: 'Stream tool output instead of buffering it', passed: 45, failed: 0, added: 77, removed: 40, tokens: [52000, 7000], cost: 0.26, survivorRank: 2 },
    { id: 'e7f8a9b0', gen: 2, parent: 'a1b2c3d4', status: 'rejected', goal: 'Delete slow integration tests', added: 0, removed: 120, tokens: [12000, 900], cost: 0.05, error: 'fewer tests than the parent (38 < 42)' },
    { id: 'f1a2b3c4', gen: 2, parent: 'b5e6f708', status: 'passed', goal: 'Validate CLI flags with zod before the run starts', passed: 44, failed: 0, added: 25, removed: 9, tokens: [30000, 4000], cost: 0.15, survivorRank: 1 },
  ];
  let s = 5;
  for (const gen of [1, 2]) {
    for (const c of children.filter((x) => x.gen === gen)) {
      s += 1;
      store.addCandidate({ id: c.id, runId: RUN, generation: gen, parentId: c.parent, branch: `evolve/${RUN}/g${gen}-${c.id}`, baseCommit: '9f1c2e7', goal: c.goal, status: 'running', step: 'forked', startedAt: at(s) });
      store.appendEvent({ runId: RUN, candidateId: c.id, kind: 'tool_call', data: { tool: 'bash', ok: true, ms: 840, summary: 'rg -n "loadConfig" src', source: 'agent' }, at: at(s + 30) });
      store.appendEvent({ runId: RUN, candidateId: c.id, kind: 'tool_call', data: { tool: 'str_replace_based_edit_tool', ok: true, ms: 12, summary: 'str_replace src/config.ts', source: 'agent' }, at: at(s + 40) });
      store.appendEvent({ runId: RUN, candidateId: c.id, kind: 'tool_call', data: { tool: 'bash', ok: c.status === 'passed', ms: 5100, summary: 'npm test', source: 'agent' }, at: at(s + 60) });
      const counted = c.passed !== undefined;
      if (counted) {
        store.appendEvent({ runId: RUN, candidateId: c.id, kind: 'built', data: { ok: true, exit_code: 0, timed_out: false, ms: 3100, output_tail: '' }, at: at(s + 80) });
        store.appendEvent({ runId: RUN, candidateId: c.id, kind: 'tested', data: { passed: c.passed, failed: c.failed, source: 'vitest', via: 'stdout', exit_code: c.failed ? 1 : 0, timed_out: false, ms: 9800, output_tail: '' }, at: at(s + 90) });
      }
      const parentPassed = tests.get(c.parent)!;
      const parentProgress = progress.get(c.parent)!;
      const value = counted ? score({ buildOk: true, testsPassed: c.passed!, testsFailed: c.failed!, parentPassed, parentProgress, diffAdded: c.added, diffRemoved: c.removed }) : null;
      if (counted) {
        tests.set(c.id, c.passed!);
        progress.set(c.id, progressOf(parentProgress, parentPassed, c.passed!));
      }
      store.appendEvent({ runId: RUN, candidateId: c.id, kind: 'scored', data: { status: c.status, score: value, reason: c.error ?? null, diff_added: c.added, diff_removed: c.removed }, at: at(s + 95) });
      store.updateCandidate(c.id, {
        status: c.status, step: 'evaluated', build_ok: counted ? 1 : null, tests_passed: c.passed ?? null, tests_failed: c.failed ?? null,
        diff_added: c.added, diff_removed: c.removed, score: value, input_tokens: c.tokens![0], output_tokens: c.tokens![1],
        cost_usd: c.cost!, model_calls: 12, error: c.error ?? null, finished_at: at(s + 95),
      });
    }
    s += 100;
    for (const c of children.filter((x) => x.gen === gen && x.survivorRank).sort((a, b) => a.survivorRank! - b.survivorRank!)) {
      const row = store.getCandidate(c.id)!;
      store.updateCandidate(c.id, { survived: 1, step: 'selected' });
      store.appendEvent({ runId: RUN, candidateId: c.id, kind: 'selected', data: { generation: gen, rank: c.survivorRank, score: row.score }, at: at(s) });
    }
  }
  const pending = [
    { id: '0a1b2c3d', parent: 'f1a2b3c4', status: 'running', goal: 'Parallelise candidate evaluation across cores' },
    { id: '4e5f6a7b', parent: 'f1a2b3c4', status: 'evaluating', goal: 'Shrink the lineage export with gzip' },
    { id: '8c9d0e1f', parent: 'd3e4f5a6', status: 'pending', goal: null },
  ] as const;
  for (const p of pending) {
    store.addCandidate({ id: p.id, runId: RUN, generation: 3, parentId: p.parent, branch: `evolve/${RUN}/g3-${p.id}`, baseCommit: '9f1c2e7', goal: p.goal, status: p.status, step: p.status === 'pending' ? 'forked' : p.status === 'running' ? 'agent_running' : 'committed', startedAt: at(s + 5) });
  }
  store.updateCandidate('0a1b2c3d', { phase: 'modify', input_tokens: 21000, output_tokens: 2500, cost_usd: 0.1, model_calls: 6 });
  store.updateCandidate('4e5f6a7b', { diff_added: 19, diff_removed: 2, input_tokens: 15000, output_tokens: 1800, cost_usd: 0.07, model_calls: 5 });
  clock = START + 424_000;
  store.close();
  return path;
}

describe('docs/tui.md', () => {
  it('shows the view exactly as `evolve watch` prints it for a run written the way the runner writes one', () => {
    const source = openSource(viewStore());
    const printed = snapshotText(source, RUN, { width: 100, now: START + 424_000 });
    source.close();
    const block = /```text\n(evolve 20261125-200501-ab12[\s\S]*?)```/.exec(read('docs/tui.md'))?.[1];
    expect(block).toBe(printed);
    expect(read('docs/tui.md')).toContain(`(\`${hintsLine(100, { follow: false, detailOpen: false, position: '', notice: '' })}\`)`);
  });
});
