import { describe, expect, it } from 'vitest';
import { ancestorIds, buildForest, flatten, moveSelection, reveal, scrollTop } from '../../src/tui/tree.ts';
import { candidate, fixtureRows, syntheticRows } from './fixture.ts';

const { candidates } = fixtureRows();

describe('buildForest and flatten', () => {
  it('puts the seed at the root and children under their parents, depth first', () => {
    const rows = flatten(buildForest(candidates), new Set());
    expect(rows.map((r) => `${r.guides}${r.id}`)).toEqual([
      'seed0000',
      '├─ a1b2c3d4',
      '│  ├─ d3e4f5a6',
      '│  │  ├─ 0a1b2c3d',
      '│  │  └─ 4e5f6a7b',
      '│  └─ e7f8a9b0',
      '├─ b5e6f708',
      '│  └─ f1a2b3c4',
      '│     └─ 8c9d0e1f',
      '└─ c9d0e1f2',
    ]);
    expect(rows[0]).toMatchObject({ depth: 0, hasChildren: true, folded: false, parentId: null });
    expect(rows[3]).toMatchObject({ depth: 3, hasChildren: false, parentId: 'd3e4f5a6' });
  });

  it('hides the descendants of a folded node and marks it folded', () => {
    const rows = flatten(buildForest(candidates), new Set(['a1b2c3d4', '0a1b2c3d']));
    expect(rows.map((r) => r.id)).toEqual(['seed0000', 'a1b2c3d4', 'b5e6f708', 'f1a2b3c4', '8c9d0e1f', 'c9d0e1f2']);
    expect(rows[1].folded).toBe(true);
  });

  it('makes an orphan (parent not in the rows) a root instead of dropping it', () => {
    const rows = flatten(buildForest([candidate({ id: 'x', parent_id: 'gone' }), candidate({ id: 'seed', generation: 0 })]), new Set());
    expect(rows.map((r) => r.id)).toEqual(['seed', 'x']);
  });

  it('flattens a lineage thousands deep without overflowing the stack, guides kept short', () => {
    const chain = Array.from({ length: 5000 }, (_, i) => candidate({ id: `c${i}`, generation: i, parent_id: i ? `c${i - 1}` : null }));
    const rows = flatten(buildForest(chain), new Set());
    expect(rows).toHaveLength(5000);
    expect(rows[4999].guides.length).toBeLessThan(40);
    expect(rows[4999].guides.startsWith('…')).toBe(true);
  });

  // Its speed is bench/tui's to measure (a timed test fails on a loaded machine); here only that it orders them all.
  it('orders 1,000 synthetic candidates, each once', () => {
    const rows = flatten(buildForest(syntheticRows(1000)), new Set());
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.candidate.id)).size).toBe(1000);
  });
});

describe('selection and window', () => {
  const rows = flatten(buildForest(candidates), new Set());
  it('moves and clamps at both ends', () => {
    expect(moveSelection(rows, null, 1)).toBe('seed0000');
    expect(moveSelection(rows, 'seed0000', 1)).toBe('a1b2c3d4');
    expect(moveSelection(rows, 'seed0000', -1)).toBe('seed0000');
    expect(moveSelection(rows, 'c9d0e1f2', 5)).toBe('c9d0e1f2');
    expect(moveSelection(rows, 'a1b2c3d4', 100)).toBe('c9d0e1f2');
    expect(moveSelection([], 'x', 1)).toBeNull();
  });

  it('scrolls as little as needed to keep the selection visible', () => {
    expect(scrollTop(0, 3, 5, 100)).toBe(0);
    expect(scrollTop(0, 5, 5, 100)).toBe(1);
    expect(scrollTop(10, 4, 5, 100)).toBe(4);
    expect(scrollTop(10, 12, 5, 100)).toBe(10);
    expect(scrollTop(98, 99, 5, 100)).toBe(95);
    expect(scrollTop(7, 2, 10, 8)).toBe(0);
  });

  it('reveals a node by unfolding its ancestors', () => {
    expect(ancestorIds(candidates, '0a1b2c3d')).toEqual(['seed0000', 'a1b2c3d4', 'd3e4f5a6']);
    const folded = reveal(new Set(['seed0000', 'd3e4f5a6', 'b5e6f708']), candidates, '0a1b2c3d');
    expect([...folded]).toEqual(['b5e6f708']);
  });
});
