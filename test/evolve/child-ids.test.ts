/**
 * A child's id is drawn at random (8 hex digits) but never one lineage.db already holds, from this run or an
 * earlier one, nor one a sibling just drew: a repeat would be a primary-key error that fails the whole run.
 * The random source is replaced here so that the draws collide on purpose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const draws = vi.hoisted(() => ({ queue: [] as string[] }));
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  const randomBytes = (n: number) => (n === 4 && draws.queue.length ? Buffer.from(draws.queue.shift()!, 'hex') : crypto.randomBytes(n));
  return { ...crypto, default: { ...crypto, randomBytes }, randomBytes };
});

const { planChildren } = await import('../../src/evolve/generation.ts');
const { openStore } = await import('../../src/lineage/store.ts');

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('draws again for an id an earlier run holds and for one a sibling drew', () => {
  const store = openStore(path.join(dir, 'lineage.db'));
  store.createRun({ id: '20260101-000000-0001', target: '/repo', config: {} });
  store.addCandidate({ id: 'aaaaaaaa', runId: '20260101-000000-0001', generation: 0, parentId: null, branch: null, baseCommit: null });
  const runId = '20260102-000000-0002';
  store.createRun({ id: runId, target: '/repo', config: {} });
  const parent = { id: 'aaaaaaaa', commit: 'c0ffee', measure: null, depsFrom: null };
  draws.queue.push('aaaaaaaa', 'bbbbbbbb', 'aaaaaaaa', 'bbbbbbbb', 'cccccccc');
  const plans = planChildren({ runId, store, clock: { now: () => new Date(0) } }, 1, [parent, parent], []);
  expect(plans.map((p) => p.id)).toEqual(['bbbbbbbb', 'cccccccc']);
  expect(draws.queue).toEqual([]);
  expect(plans[1].branch).toBe(`evolve/${runId}/g1-cccccccc`);
  store.close();
});
