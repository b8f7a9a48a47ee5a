import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type LineageStore } from '../../src/lineage/store.ts';
import type { CandidateStatus } from '../../src/lineage/schema.ts';
import { sampleEvent } from './event-samples.ts';

const dirs: string[] = [];
const stores: LineageStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-lineage-'));
  dirs.push(dir);
  return dir;
}

/** Opens a store that is closed after the test. */
export function track(store: LineageStore): LineageStore {
  stores.push(store);
  return store;
}

/** A clock that ticks one second per reading from a fixed start, so timestamps order deterministically. */
export function tickingClock(start = '2026-01-01T00:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

export const RUN_A = '20260101-000000-aaaa';
export const RUN_B = '20260102-000000-bbbb';

interface Spec {
  id: string;
  parent: string | null;
  generation: number;
  status: CandidateStatus;
  score?: number;
  survived?: boolean;
  goal?: string;
  error?: string;
  added?: number;
  removed?: number;
  cost?: number;
  tokens?: [number, number];
}

/**
 * Run A: a seed, three children (one failed), three grandchildren (one rejected) with a score tie between
 * b1 (finished first) and b3. Run B, started later: a failed seed and one errored child (no passed candidate).
 */
export const RUN_A_SPECS: Spec[] = [
  { id: '5eed0000', parent: null, generation: 0, status: 'passed', score: 0.5, survived: true, goal: 'seed' },
  { id: 'a1000001', parent: '5eed0000', generation: 1, status: 'passed', score: 0.7, survived: true,
    goal: 'Add retries to the HTTP client', added: 12, removed: 3, cost: 0.1, tokens: [1000, 200] },
  { id: 'a2000002', parent: '5eed0000', generation: 1, status: 'failed', score: 0.1, goal: 'Rewrite the parser',
    error: 'tests failed: 3 of 40', added: 200, removed: 150, cost: 0.3, tokens: [3000, 900] },
  { id: 'a3000003', parent: '5eed0000', generation: 1, status: 'passed', score: 0.6, survived: true,
    goal: 'Cache parsed configs', added: 30, removed: 1, cost: 0.2, tokens: [2000, 400] },
  { id: 'b1000001', parent: 'a1000001', generation: 2, status: 'passed', score: 0.9, survived: true,
    goal: 'Back off exponentially', added: 8, removed: 2, cost: 0.05, tokens: [500, 100] },
  { id: 'b2000002', parent: 'a1000001', generation: 2, status: 'rejected', goal: 'Nothing at all',
    error: 'empty diff', added: 0, removed: 0, cost: 0.01, tokens: [100, 10] },
  { id: 'b3000003', parent: 'a3000003', generation: 2, status: 'passed', score: 0.9, goal: 'Invalidate the cache',
    added: 5, removed: 5, cost: 0.07, tokens: [700, 150] },
];

export const RUN_B_SPECS: Spec[] = [
  { id: '5eedbbbb', parent: null, generation: 0, status: 'failed', error: 'seed tests fail', goal: 'seed' },
  { id: 'c1000001', parent: '5eedbbbb', generation: 1, status: 'error', error: 'git commit failed: disk full' },
];

export function addSpecs(store: LineageStore, runId: string, specs: Spec[]): void {
  for (const s of specs) {
    store.addCandidate({
      id: s.id, runId, generation: s.generation, parentId: s.parent,
      branch: s.parent ? `evolve/${runId}/g${s.generation}-${s.id}` : null, baseCommit: s.parent ? 'base' : null,
      goal: s.goal ?? null, commitSha: `sha-${s.id}`,
    });
  }
  for (const s of specs) {
    store.updateCandidate(s.id, {
      status: s.status, score: s.score ?? null, survived: s.survived ? 1 : 0, error: s.error ?? null,
      diff_added: s.added ?? 0, diff_removed: s.removed ?? 0, cost_usd: s.cost ?? 0,
      input_tokens: s.tokens?.[0] ?? 0, output_tokens: s.tokens?.[1] ?? 0,
      finished_at: new Date(Date.parse('2026-01-01T01:00:00Z') + specs.indexOf(s) * 1000).toISOString(),
    });
  }
}

/** Builds runs A and B (see above) in a new store file; returns the open writer and its path. */
export function buildSampleStore(dir = tempDir()): { store: LineageStore; path: string } {
  const path = join(dir, 'lineage.db');
  const store = track(openStore(path, { now: tickingClock() }));
  store.createRun({ id: RUN_A, target: '/repo/a', config: { population: 3, generations: 2 } });
  addSpecs(store, RUN_A, RUN_A_SPECS);
  for (const s of RUN_A_SPECS) {
    if (s.parent) store.appendEvent({ runId: RUN_A, candidateId: s.id, kind: 'forked', data: sampleEvent('forked', { parent_id: s.parent }) });
    store.appendEvent({ runId: RUN_A, candidateId: s.id, kind: 'scored', data: sampleEvent('scored', { status: s.status, score: s.score ?? null }) });
  }
  store.finishRun(RUN_A, 'done');
  store.createRun({ id: RUN_B, target: '/repo/b', config: {} });
  addSpecs(store, RUN_B, RUN_B_SPECS);
  store.appendEvent({ runId: RUN_B, candidateId: 'c1000001', kind: 'error', data: sampleEvent('error', { message: 'disk full' }) });
  store.finishRun(RUN_B, 'failed', 'no candidate passed');
  return { store, path };
}

/** A single run whose candidates form one chain `depth` deep below the seed. Returns the ids, seed first. */
export function buildChain(store: LineageStore, runId: string, depth: number): string[] {
  store.createRun({ id: runId, target: '/repo/chain', config: {} });
  const ids: string[] = [];
  store.transaction(() => {
    for (let g = 0; g <= depth; g++) {
      const id = 'd' + g.toString(16).padStart(7, '0');
      store.addCandidate({
        id, runId, generation: g, parentId: g === 0 ? null : ids[g - 1], branch: null, baseCommit: null,
        status: 'passed',
      });
      store.updateCandidate(id, { score: g / depth, survived: 1 });
      ids.push(id);
    }
  });
  return ids;
}
