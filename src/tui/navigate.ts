import type { CandidateOutline } from '../lineage/types.ts';
import type { TreeLayout } from './layout.ts';
import { isActive } from './stats.ts';

/**
 * The keys that look beyond the screen — the next running candidate, a search by id or goal, a generation, fold
 * all but the best path — as walks over the layout's tree order (folds ignored: a match under a fold is unfolded
 * by the caller). One walk per key press, never per frame.
 */
export type Direction = 1 | -1;

/** The first candidate after `fromId` (before it, going back) in tree order that `matches`, wrapping around. */
export function findCandidate(
  layout: TreeLayout, fromId: string | null, direction: Direction, matches: (c: CandidateOutline) => boolean,
): string | null {
  const order = layout.treeOrder();
  const n = order.length;
  if (!n) return null;
  const from = fromId == null ? -1 : order.indexOf(layout.node(fromId)!);
  const start = from < 0 ? (direction === 1 ? -1 : n) : from;
  for (let step = 1; step <= n; step++) {
    const node = order[(((start + direction * step) % n) + n) % n];
    if (matches(node.candidate)) return node.candidate.id;
  }
  return null;
}

/** The next candidate running or being evaluated after `fromId`. */
export function nextActive(layout: TreeLayout, fromId: string | null): string | null {
  return findCandidate(layout, fromId, 1, isActive);
}

/** Folds that leave only the path from the root to `keepId` open (every other candidate with children folded). */
export function foldAllBut(layout: TreeLayout, keepId: string | null): Set<string> {
  const path = new Set(keepId ? layout.ancestorIds(keepId) : []);
  const folded = new Set<string>();
  for (const node of layout.treeOrder()) {
    if (node.children.length > 0 && !path.has(node.candidate.id)) folded.add(node.candidate.id);
  }
  return folded;
}
