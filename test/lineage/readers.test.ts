import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import type { TreeNode } from '../../src/lineage/types.ts';
import { buildChain, buildSampleStore, RUN_A, RUN_B, tempDir, track } from './fixtures.ts';
import { join } from 'node:path';

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

function shape(nodes: TreeNode[]): unknown[] {
  return nodes.map((n) => (n.children.length ? { [n.candidate.id]: shape(n.children) } : n.candidate.id));
}

describe('reader queries on a branching tree with failed candidates and two runs', () => {
  it('lists runs oldest first and finds the latest', () => {
    const { store } = buildSampleStore();
    expect(store.listRuns().map((r) => r.id)).toEqual([RUN_A, RUN_B]);
    expect(store.latestRun()?.id).toBe(RUN_B);
    expect(store.getRun(RUN_A)).toMatchObject({ status: 'done', target: '/repo/a', stop_reason: null });
    expect(JSON.parse(store.getRun(RUN_A)!.config_json)).toEqual({ population: 3, generations: 2 });
    expect(store.getRun(RUN_B)).toMatchObject({ status: 'failed', stop_reason: 'no candidate passed' });
    expect(store.getRun(RUN_B)!.finished_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(store.getRun('nope')).toBeUndefined();
  });

  it('lists a run\'s candidates by generation, and only that run\'s', () => {
    const { store } = buildSampleStore();
    expect(ids(store.candidates(RUN_A))).toEqual([
      '5eed0000', 'a1000001', 'a2000002', 'a3000003', 'b1000001', 'b2000002', 'b3000003',
    ]);
    expect(ids(store.candidates(RUN_B))).toEqual(['5eedbbbb', 'c1000001']);
    expect(store.candidates('nope')).toEqual([]);
  });

  it('walks ancestry root first, and descendants below a candidate', () => {
    const { store } = buildSampleStore();
    expect(ids(store.ancestry('b3000003'))).toEqual(['5eed0000', 'a3000003', 'b3000003']);
    expect(ids(store.ancestry('5eed0000'))).toEqual(['5eed0000']);
    expect(store.ancestryIds('b3000003')).toEqual(['5eed0000', 'a3000003', 'b3000003']);
    expect(store.ancestryIds('nope')).toEqual([]);
    expect(store.ancestry('nope')).toEqual([]);
    expect(ids(store.descendants('a1000001'))).toEqual(['b1000001', 'b2000002']);
    expect(ids(store.descendants('5eed0000'))).toEqual([
      'a1000001', 'a2000002', 'a3000003', 'b1000001', 'b2000002', 'b3000003',
    ]);
    expect(store.descendants('b1000001')).toEqual([]);
    expect(ids(store.children('5eed0000'))).toEqual(['a1000001', 'a2000002', 'a3000003']);
    expect(store.children('b1000001')).toEqual([]);
  });

  it('nests the tree of each run', () => {
    const { store } = buildSampleStore();
    expect(shape(store.tree(RUN_A))).toEqual([
      { '5eed0000': [{ a1000001: ['b1000001', 'b2000002'] }, 'a2000002', { a3000003: ['b3000003'] }] },
    ]);
    expect(shape(store.tree(RUN_B))).toEqual([{ '5eedbbbb': ['c1000001'] }]);
    expect(store.tree('nope')).toEqual([]);
  });

  it('sums each generation', () => {
    const { store } = buildSampleStore();
    const stats = store.generationStats(RUN_A);
    expect(stats.map((s) => s.generation)).toEqual([0, 1, 2]);
    expect(stats[1]).toMatchObject({
      count: 3, survivors: 2, passed: 2, failed: 1, bestScore: 0.7, inputTokens: 6000, outputTokens: 1500,
    });
    expect(stats[1].meanScore).toBeCloseTo((0.7 + 0.1 + 0.6) / 3);
    expect(stats[1].costUsd).toBeCloseTo(0.6);
    // The rejected candidate has no score: the mean is over scored candidates only.
    expect(stats[2]).toMatchObject({ count: 3, survivors: 1, passed: 2, failed: 1, bestScore: 0.9 });
    expect(stats[2].meanScore).toBeCloseTo(0.9);
    expect(store.generationStats(RUN_B)).toMatchObject([
      { generation: 0, count: 1, survivors: 0, passed: 0, failed: 1, bestScore: null, meanScore: null },
      { generation: 1, count: 1, failed: 1 },
    ]);
  });

  it('picks the best passed child (ties: later generation, then smaller id), and its lineage', () => {
    const { store } = buildSampleStore();
    expect(store.bestCandidate(RUN_A)?.id).toBe('b1000001');
    expect(ids(store.bestLineage(RUN_A))).toEqual(['5eed0000', 'a1000001', 'b1000001']);
    // A tie with an earlier generation goes to the later one.
    store.updateCandidate('a1000001', { score: 0.9 });
    expect(store.bestCandidate(RUN_A)?.id).toBe('b1000001');
    // The seed (no diff, so no parsimony cost) is the run's starting point, not its result, while a child passed.
    store.updateCandidate('5eed0000', { score: 100 });
    expect(store.bestCandidate(RUN_A)?.id).toBe('b1000001');
    // A failed candidate never wins, whatever its score.
    store.updateCandidate('a2000002', { score: 5 });
    expect(store.bestCandidate(RUN_A)?.id).toBe('b1000001');
    expect(store.bestCandidate(RUN_B)).toBeUndefined();
    expect(store.bestLineage(RUN_B)).toEqual([]);
  });

  it('returns a candidate\'s events in order, the latest N, and a run\'s events after an id', () => {
    const { store } = buildSampleStore();
    const events = store.events('a1000001');
    expect(events.map((e) => e.kind)).toEqual(['forked', 'scored']);
    expect(JSON.parse(events[0].data_json)).toMatchObject({ parent_id: '5eed0000' });
    expect(store.events('a1000001', { limit: 1 }).map((e) => e.kind)).toEqual(['scored']);
    const all = store.runEvents(RUN_A);
    // Every candidate's scored, and every child's forked (the seed is not forked).
    expect(all).toHaveLength(13);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
    expect(store.runEvents(RUN_A, { afterId: all[10].id }).map((e) => e.id)).toEqual([all[11].id, all[12].id]);
    expect(store.runEvents(RUN_A, { afterId: all[0].id, limit: 2 })).toHaveLength(2);
    expect(store.runEvents(RUN_B).map((e) => e.kind)).toEqual(['error']);
  });

  it('finds candidates by id prefix', () => {
    const { store } = buildSampleStore();
    expect(ids(store.candidatesByPrefix('b1'))).toEqual(['b1000001']);
    expect(store.candidatesByPrefix('b')).toHaveLength(2);
    expect(store.candidatesByPrefix('f')).toEqual([]);
  });
});

describe('snapshots', () => {
  it('keeps several queries of a reader consistent while another connection writes', () => {
    const { store: writer, path } = buildSampleStore();
    const reader = track(openStore(path, { readonly: true }));
    const [before, after, outside] = reader.snapshot(() => {
      const first = reader.candidates(RUN_A).length;
      writer.addCandidate({
        id: 'f0000001', runId: RUN_A, generation: 3, parentId: 'b1000001', branch: null, baseCommit: null,
      });
      return [first, reader.candidates(RUN_A).length, writer.candidates(RUN_A).length];
    });
    expect([before, after, outside]).toEqual([7, 7, 8]);
    expect(reader.candidates(RUN_A)).toHaveLength(8);
  });
});

describe('data version', () => {
  it('moves when another connection commits, not when this one reads', () => {
    const { store: writer, path } = buildSampleStore();
    const reader = track(openStore(path, { readonly: true }));
    const v0 = reader.dataVersion();
    reader.tree(RUN_A);
    expect(reader.dataVersion()).toBe(v0);
    writer.appendEvent({ runId: RUN_A, candidateId: null, kind: 'run_finished', data: { status: 'done', reason: null } });
    expect(reader.dataVersion()).not.toBe(v0);
  });
});

describe('a 1,000-deep chain', () => {
  it('walks all the way up and down, and nests 1,001 levels', () => {
    const store = track(openStore(join(tempDir(), 'chain.db')));
    const chain = buildChain(store, '20260103-000000-cccc', 1000);
    const tip = chain[1000];
    const up = store.ancestry(tip);
    expect(up).toHaveLength(1001);
    expect(ids(up)).toEqual(chain);
    expect(store.ancestryIds(tip)).toEqual(chain);
    expect(store.descendants(chain[0])).toHaveLength(1000);
    expect(ids(store.bestLineage('20260103-000000-cccc'))).toEqual(chain);
    let depth = 0;
    let level = store.tree('20260103-000000-cccc');
    while (level.length === 1) {
      depth++;
      level = level[0].children;
    }
    expect(depth).toBe(1001);
    expect(level).toEqual([]);
  });
});
