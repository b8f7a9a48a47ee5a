import type { CandidateOutline } from '../lineage/types.ts';

/**
 * The lineage tree as plain data: built from candidate rows, flattened into screen rows with folding, and walked
 * by a selection. Nothing here knows about Ink, so all of it is tested on its own. The live view keeps its layout
 * in TreeLayout (layout.ts) and patches it; the whole-forest flatten here is the definition that layout is tested
 * against, and the row shape and guides both share.
 */
export interface TreeNode {
  candidate: CandidateOutline;
  children: TreeNode[];
}

export interface FlatRow {
  id: string;
  candidate: CandidateOutline;
  depth: number;
  /** Tree guides drawn before the row, e.g. "│  ├─". Empty for a root. */
  guides: string;
  hasChildren: boolean;
  folded: boolean;
  parentId: string | null;
}

/** Siblings in the order they were born: generation, start time (not started: last), id. */
export function byBirth(a: { candidate: CandidateOutline }, b: { candidate: CandidateOutline }): number {
  const x = a.candidate;
  const y = b.candidate;
  return x.generation - y.generation || (x.started_at ?? '~').localeCompare(y.started_at ?? '~') || x.id.localeCompare(y.id);
}

/** Roots are the seed and any candidate whose parent is not among the rows (so nothing is ever hidden). */
export function buildForest(rows: readonly CandidateOutline[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  for (const candidate of rows) nodes.set(candidate.id, { candidate, children: [] });
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.candidate.parent_id ? nodes.get(node.candidate.parent_id) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  for (const node of nodes.values()) node.children.sort(byBirth);
  return roots.sort(byBirth);
}

/**
 * Depth-first rows, children of folded nodes left out. Iterative, so a lineage thousands deep cannot overflow the
 * stack. Guides of deep rows are kept to their last `maxGuideDepth` levels (with a leading '…').
 */
export function flatten(roots: readonly TreeNode[], folded: ReadonlySet<string>, maxGuideDepth = 12): FlatRow[] {
  const out: FlatRow[] = [];
  type Frame = { node: TreeNode; depth: number; trail: boolean[]; last: boolean; parentId: string | null };
  const stack: Frame[] = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    stack.push({ node: roots[i], depth: 0, trail: [], last: i === roots.length - 1, parentId: null });
  }
  while (stack.length) {
    const { node, depth, trail, last, parentId } = stack.pop()!;
    const id = node.candidate.id;
    const isFolded = folded.has(id) && node.children.length > 0;
    out.push({
      id, candidate: node.candidate, depth, guides: drawGuides(trail, last, depth, maxGuideDepth),
      hasChildren: node.children.length > 0, folded: isFolded, parentId,
    });
    if (isFolded) continue;
    const childTrail = depth === 0 ? [] : [...trail, last];
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push({ node: node.children[i], depth: depth + 1, trail: childTrail, last: i === node.children.length - 1, parentId: id });
    }
  }
  return out;
}

/** `trail[i]` says whether the ancestor at that level was a last child (then no vertical line continues). */
function drawGuides(trail: readonly boolean[], last: boolean, depth: number, maxGuideDepth: number): string {
  if (depth === 0) return '';
  const levels = trail.map((wasLast) => (wasLast ? '   ' : '│  '));
  const own = last ? '└─ ' : '├─ ';
  if (levels.length >= maxGuideDepth) return '…' + levels.slice(levels.length - maxGuideDepth + 1).join('') + own;
  return levels.join('') + own;
}

/** The width of `drawGuides` for a row at `depth`. */
export function guideWidth(depth: number, maxGuideDepth = 12): number {
  if (depth === 0) return 0;
  const levels = depth - 1;
  return levels >= maxGuideDepth ? 1 + (maxGuideDepth - 1) * 3 + 3 : levels * 3 + 3;
}

export function indexOfId(rows: readonly FlatRow[], id: string | null): number {
  if (id == null) return -1;
  return rows.findIndex((r) => r.id === id);
}

/** The id `delta` rows away from the selection, clamped to the ends; the first row when nothing is selected. */
export function moveSelection(rows: readonly FlatRow[], selectedId: string | null, delta: number): string | null {
  if (!rows.length) return null;
  const at = indexOfId(rows, selectedId);
  if (at < 0) return rows[0].id;
  return rows[Math.min(rows.length - 1, Math.max(0, at + delta))].id;
}

/**
 * The first visible row after scrolling as little as possible to keep `selected` inside a window of `height`
 * rows (the list does not jump while the selection moves inside it).
 */
export function scrollTop(previousTop: number, selected: number, height: number, count: number): number {
  if (height <= 0 || count <= height) return 0;
  let top = previousTop;
  if (selected >= 0 && selected < top) top = selected;
  if (selected >= top + height) top = selected - height + 1;
  return Math.min(Math.max(0, top), count - height);
}

/** The ids from the root down to `id`'s parent, which must be unfolded for `id` to be visible. */
export function ancestorIds(rows: readonly CandidateOutline[], id: string): string[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const path: string[] = [];
  const seen = new Set<string>([id]);
  let parent = byId.get(id)?.parent_id ?? null;
  while (parent && byId.has(parent) && !seen.has(parent)) {
    seen.add(parent);
    path.unshift(parent);
    parent = byId.get(parent)!.parent_id;
  }
  return path;
}

/** A copy of `folded` with every ancestor of `id` unfolded. */
export function reveal(folded: ReadonlySet<string>, rows: readonly CandidateOutline[], id: string): Set<string> {
  const next = new Set(folded);
  for (const a of ancestorIds(rows, id)) next.delete(a);
  return next;
}
