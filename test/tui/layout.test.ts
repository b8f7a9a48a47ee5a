import { describe, expect, it } from 'vitest';
import { layoutColumns, rowCells, rowText } from '../../src/tui/columns.ts';
import { TreeLayout } from '../../src/tui/layout.ts';
import { buildForest, flatten } from '../../src/tui/tree.ts';
import type { CandidateRow } from '../../src/lineage/schema.ts';
import { candidate, fixtureRows, syntheticRows } from './fixture.ts';

/** What the layout shows must be exactly what a fresh flatten of the whole forest shows. */
const expectSameAsFlatten = (layout: TreeLayout, rows: readonly CandidateRow[], folded: ReadonlySet<string>) => {
  const want = flatten(buildForest(rows), folded);
  const got = layout.flatRows();
  expect(got.map((r) => `${r.guides}${r.folded ? '▸' : r.hasChildren ? '▾' : ''}${r.id}@${r.depth}<${r.parentId}`))
    .toEqual(want.map((r) => `${r.guides}${r.folded ? '▸' : r.hasChildren ? '▾' : ''}${r.id}@${r.depth}<${r.parentId}`));
  expect(got.map((r) => r.candidate)).toEqual(want.map((r) => r.candidate));
  expect(layout.widestGuides()).toBe(want.reduce((w, r) => Math.max(w, r.guides.length), 0));
  want.forEach((r, i) => expect(layout.indexOf(r.id)).toBe(i));
};

describe('TreeLayout', () => {
  const { candidates } = fixtureRows();

  it('lays out rows like flatten, folded or not', () => {
    expectSameAsFlatten(new TreeLayout(candidates), candidates, new Set());
    const folded = new Set(['a1b2c3d4', 'f1a2b3c4']);
    expectSameAsFlatten(new TreeLayout(candidates, folded), candidates, folded);
  });

  it('patches folds one at a time, hidden folds included, and stays equal to a fresh layout', () => {
    const layout = new TreeLayout(candidates);
    const steps = [['a1b2c3d4'], ['a1b2c3d4', 'd3e4f5a6'], ['d3e4f5a6'], ['seed0000', 'd3e4f5a6'], ['d3e4f5a6'], [],
      ['b5e6f708', 'f1a2b3c4', 'd3e4f5a6'], [], ['f1a2b3c4', 'b5e6f708'], ['f1a2b3c4']];
    for (const ids of steps) {
      const folded = new Set(ids);
      layout.setFolded(folded);
      expectSameAsFlatten(layout, candidates, folded);
    }
  });

  it('survives random fold changes, small and large, like a fresh flatten (seeded)', () => {
    const rows = syntheticRows(400);
    const parents = [...new Set(rows.map((r) => r.parent_id).filter((p): p is string => p !== null))];
    const layout = new TreeLayout(rows);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let folded = new Set<string>();
    for (let step = 0; step < 60; step++) {
      const next = new Set(folded);
      const flips = step % 10 === 9 ? 50 : 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) {
        const id = parents[Math.floor(random() * parents.length)];
        if (!next.delete(id)) next.add(id);
      }
      folded = next;
      layout.setFolded(folded);
      expectSameAsFlatten(layout, rows, folded);
    }
  });

  it('inserts candidates one by one in birth order, under folded and unfolded parents, and orphans first', () => {
    const rows = syntheticRows(300);
    const folded = new Set([rows[1].id, rows[25].id]);
    const layout = new TreeLayout([], folded);
    const shuffled = [...rows.slice(0, 150), rows[200], ...rows.slice(150, 200), ...rows.slice(201)];
    const seen: CandidateRow[] = [];
    for (const c of shuffled) {
      layout.upsert([c]);
      seen.push(c);
      if (seen.length % 37 === 0) expectSameAsFlatten(layout, seen, folded);
    }
    expectSameAsFlatten(layout, rows, folded);
  });

  it('replaces a changed candidate in place, and moves it when its birth order changes', () => {
    const layout = new TreeLayout(candidates);
    const before = layout.row(layout.indexOf('0a1b2c3d'))!;
    const changed = { ...candidates.find((c) => c.id === '0a1b2c3d')!, status: 'passed' as const, score: 0.9 };
    layout.upsert([changed]);
    const after = layout.row(layout.indexOf('0a1b2c3d'))!;
    expect(after).not.toBe(before);
    expect(after.candidate.score).toBe(0.9);
    const next = candidates.map((c) => (c.id === changed.id ? changed : c));
    expectSameAsFlatten(layout, next, new Set());
    // The pending 8c9d0e1f has not started: it starts before its sibling-to-be, which is born later.
    const sibling = candidate({ id: '9f9f9f9f', generation: 3, parent_id: 'f1a2b3c4', started_at: '2026-11-25T20:08:40.000Z' });
    layout.upsert([sibling]);
    const started = { ...next.find((c) => c.id === '8c9d0e1f')!, started_at: '2026-11-25T20:08:50.000Z' };
    layout.upsert([started]);
    expectSameAsFlatten(layout, [...next.map((c) => (c.id === started.id ? started : c)), sibling], new Set());
  });

  it('keeps deep chains iterative and their guides cut to the last levels', () => {
    const chain = Array.from({ length: 3000 }, (_, i) =>
      candidate({ id: `c${String(i).padStart(7, '0')}`, generation: i, parent_id: i ? `c${String(i - 1).padStart(7, '0')}` : null }));
    const layout = new TreeLayout(chain);
    expect(layout.length).toBe(3000);
    expect(layout.row(2999)!.guides).toBe(flatten(buildForest(chain), new Set())[2999].guides);
    expect(layout.ancestorIds(chain[2999].id)).toHaveLength(2999);
    // The generation column widens for a long campaign instead of cutting "g2999" to "g2…".
    expect(layout.lastGeneration()).toBe(2999);
    const columns = layoutColumns(120, layout.widestGuides(), layout.lastGeneration());
    expect(rowText(rowCells(layout.row(2999)!, columns, { frame: 0, bestId: null }))).toMatch(/ g2999 /);
    expect(layoutColumns(120, 9).columns.find((c) => c.key === 'gen')?.width).toBe(3);
  });
});
