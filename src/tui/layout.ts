import type { CandidateOutline } from '../lineage/types.ts';
import { byBirth, guideWidth, type FlatRow } from './tree.ts';

/**
 * The tree's layout, kept between frames and patched: the visible rows in order (folded subtrees left out) as node
 * references, nothing formatted. A status change replaces a row's candidate in place; folding splices a subtree's
 * rows out, unfolding splices them back in; a new candidate is inserted among its siblings. Only the rows a frame
 * shows become FlatRows (their guides worked out from their ancestors), so the cost of a frame or a key does not
 * grow with the population. Rare changes that move many rows (a re-parented orphan, a big fold change) lay the
 * rows out again in one walk.
 */
export interface LayoutNode {
  candidate: CandidateOutline;
  parent: LayoutNode | null;
  children: LayoutNode[];
  depth: number;
}

/** Above this many changed folds (or new candidates) at once, one fresh walk is cheaper than patching. */
const PATCH_LIMIT = 32;

export class TreeLayout {
  private readonly nodes = new Map<string, LayoutNode>();
  private roots: LayoutNode[] = [];
  private rows: LayoutNode[] = [];
  private position: Map<LayoutNode, number> | null = null;
  private flat = new Map<LayoutNode, FlatRow>();
  private folds: ReadonlySet<string> = new Set();
  private deepest = -1;
  private order: LayoutNode[] | null = null;
  private highest = 0;

  constructor(candidates: readonly CandidateOutline[] = [], folded: ReadonlySet<string> = new Set(), readonly maxGuideDepth = 12) {
    this.folds = new Set(folded);
    this.upsert(candidates);
  }

  /** Visible rows. */
  get length(): number {
    return this.rows.length;
  }

  /** Every candidate known, visible or not. */
  get size(): number {
    return this.nodes.size;
  }

  candidate(id: string | null): CandidateOutline | undefined {
    return this.node(id)?.candidate;
  }

  node(id: string | null): LayoutNode | undefined {
    return id == null ? undefined : this.nodes.get(id);
  }

  /** Every node in tree order (depth first, folds ignored), kept until a candidate is added or moved. */
  treeOrder(): readonly LayoutNode[] {
    if (!this.order) {
      const order: LayoutNode[] = [];
      const stack = [...this.roots].reverse();
      while (stack.length) {
        const node = stack.pop()!;
        order.push(node);
        for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
      }
      this.order = order;
    }
    return this.order;
  }

  firstRootId(): string | null {
    return this.roots[0]?.candidate.id ?? null;
  }

  /** The visible row at `index`, formatted for drawing (cached until the row or the layout changes). */
  row(index: number): FlatRow | undefined {
    const node = this.rows[index];
    if (!node) return undefined;
    let flat = this.flat.get(node);
    if (!flat) {
      const { candidate, children, depth, parent } = node;
      flat = { id: candidate.id, candidate, depth, guides: this.guides(node), hasChildren: children.length > 0,
        folded: this.folds.has(candidate.id) && children.length > 0, parentId: parent?.candidate.id ?? null };
      this.flat.set(node, flat);
    }
    return flat;
  }

  /** The visible rows [from, from + count). */
  window(from: number, count: number): FlatRow[] {
    const out: FlatRow[] = [];
    for (let i = Math.max(0, from); i < Math.min(this.rows.length, from + count); i++) out.push(this.row(i)!);
    return out;
  }

  /** Every visible row, formatted (the plain snapshot and tests; the live view only formats its window). */
  flatRows(): FlatRow[] {
    return this.window(0, this.rows.length);
  }

  /** The visible row index of `id`, or -1 when it is hidden or unknown. */
  indexOf(id: string | null): number {
    const node = this.node(id);
    if (!node) return -1;
    if (!this.position) {
      this.position = new Map();
      this.rows.forEach((n, i) => this.position!.set(n, i));
    }
    return this.position.get(node) ?? -1;
  }

  /** The ids from the root down to `id`'s parent (what must be unfolded for `id` to show). */
  ancestorIds(id: string): string[] {
    const path: string[] = [];
    for (let n = this.nodes.get(id)?.parent ?? null; n; n = n.parent) path.push(n.candidate.id);
    return path.reverse();
  }

  /** The highest generation seen (the generation column's width; it never narrows while the view is open). */
  lastGeneration(): number {
    return this.highest;
  }

  /** The widest tree guides among the visible rows. */
  widestGuides(): number {
    if (this.deepest < 0) {
      let d = 0;
      for (const n of this.rows) if (n.depth > d) d = n.depth;
      this.deepest = d;
    }
    return guideWidth(this.deepest, this.maxGuideDepth);
  }

  /** Adds new candidates and replaces changed ones, patching the visible rows. */
  upsert(candidates: readonly CandidateOutline[]): void {
    for (const c of candidates) if (c.generation > this.highest) this.highest = c.generation;
    const fresh = candidates.filter((c) => !this.nodes.has(c.id));
    let relayout = fresh.length > PATCH_LIMIT;
    for (const c of candidates) {
      const node = this.nodes.get(c.id);
      if (!node) continue;
      const before = node.candidate;
      node.candidate = c;
      this.flat.delete(node);
      if (before.parent_id !== c.parent_id) relayout = true;
      else if (byBirth({ candidate: before }, { candidate: c }) !== 0) relayout = true; // its place among its siblings moved
    }
    if (relayout) {
      for (const c of fresh) this.nodes.set(c.id, { candidate: c, parent: null, children: [], depth: 0 });
      this.link();
      return;
    }
    for (const c of fresh) this.insert(c);
  }

  /** Brings the visible rows in line with `folded` (the view state's folds). */
  setFolded(folded: ReadonlySet<string>): void {
    if (folded === this.folds) return;
    const changed: string[] = [];
    for (const id of folded) if (!this.folds.has(id)) changed.push(id);
    for (const id of this.folds) if (!folded.has(id)) changed.push(id);
    if (changed.length === 0) {
      this.folds = new Set(folded);
      return;
    }
    if (changed.length > PATCH_LIMIT) {
      this.folds = new Set(folded);
      this.layOut();
      return;
    }
    // One fold at a time, each patch against the folds before it (an unfolded subtree shows its own folds).
    const folds = new Set(this.folds);
    this.folds = folds;
    for (const id of changed) {
      const unfolding = folds.delete(id);
      if (!unfolding) folds.add(id);
      const node = this.nodes.get(id);
      if (!node || node.children.length === 0) continue;
      this.flat.delete(node);
      const at = this.indexOf(id);
      if (at < 0) continue; // hidden under another fold: nothing on screen moves
      if (unfolding) this.splice(at + 1, 0, this.subtreeRows(node));
      else this.splice(at + 1, this.subtreeEnd(at) - at - 1, []);
    }
  }

  private insert(c: CandidateOutline): void {
    this.order = null;
    const node: LayoutNode = { candidate: c, parent: null, children: [], depth: 0 };
    this.nodes.set(c.id, node);
    const parent = c.parent_id ? this.nodes.get(c.parent_id) : undefined;
    // A candidate whose children came first (they are roots until it arrives): lay everything out again.
    if (this.roots.some((r) => r.candidate.parent_id === c.id)) {
      this.link();
      return;
    }
    const siblings = parent && parent !== node ? parent.children : this.roots;
    node.parent = parent && parent !== node ? parent : null;
    node.depth = node.parent ? node.parent.depth + 1 : 0;
    let k = siblings.length;
    while (k > 0 && byBirth(siblings[k - 1], node) > 0) k--;
    siblings.splice(k, 0, node);
    // Guides of the previous last sibling's subtree change (└─ becomes ├─), and the parent may gain its arrow.
    this.flat.clear();
    if (node.parent && this.indexOf(node.parent.candidate.id) < 0) return;
    if (node.parent && this.folds.has(node.parent.candidate.id)) return;
    let at: number;
    if (k > 0) {
      const prev = this.indexOf(siblings[k - 1].candidate.id);
      at = prev < 0 ? this.rows.length : this.subtreeEnd(prev);
    } else {
      at = node.parent ? this.indexOf(node.parent.candidate.id) + 1 : 0;
    }
    this.splice(at, 0, [node]);
  }

  /** The index just past the visible subtree of the row at `at`. */
  private subtreeEnd(at: number): number {
    const depth = this.rows[at].depth;
    let end = at + 1;
    while (end < this.rows.length && this.rows[end].depth > depth) end++;
    return end;
  }

  private splice(at: number, remove: number, insert: LayoutNode[]): void {
    this.rows.splice(at, remove, ...insert);
    this.position = null;
    this.deepest = -1;
  }

  /** Links every node to its parent (orphans become roots), sorts the children, and lays out the rows. */
  private link(): void {
    this.order = null;
    this.roots = [];
    for (const node of this.nodes.values()) node.children = [];
    for (const node of this.nodes.values()) {
      const parent = node.candidate.parent_id ? this.nodes.get(node.candidate.parent_id) : undefined;
      node.parent = parent && parent !== node ? parent : null;
      (node.parent ? node.parent.children : this.roots).push(node);
    }
    for (const node of this.nodes.values()) if (node.children.length > 1) node.children.sort(byBirth);
    this.roots.sort(byBirth);
    // Depths top-down, iteratively (a chain may be thousands deep); a hand-edited cycle has no root and stays out.
    const stack = [...this.roots];
    for (const r of stack) r.depth = 0;
    while (stack.length) {
      const n = stack.pop()!;
      for (const k of n.children) {
        k.depth = n.depth + 1;
        stack.push(k);
      }
    }
    this.layOut();
  }

  private layOut(): void {
    const rows: LayoutNode[] = [];
    for (const r of this.roots) this.collect(r, rows);
    this.rows = rows;
    this.position = null;
    this.deepest = -1;
    this.flat.clear();
  }

  /** The visible rows of `node`'s subtree below it (its descendants, folds respected). */
  private subtreeRows(node: LayoutNode): LayoutNode[] {
    const out: LayoutNode[] = [];
    for (const k of node.children) this.collect(k, out);
    return out;
  }

  private collect(top: LayoutNode, out: LayoutNode[]): void {
    const stack = [top];
    while (stack.length) {
      const n = stack.pop()!;
      out.push(n);
      if (this.folds.has(n.candidate.id)) continue;
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
  }

  private isLast(node: LayoutNode): boolean {
    const siblings = node.parent ? node.parent.children : this.roots;
    return siblings[siblings.length - 1] === node;
  }

  /** As tree.ts draws them: one level per ancestor below the root, its own branch last; deep rows keep the end. */
  private guides(node: LayoutNode): string {
    if (node.depth === 0) return '';
    const own = this.isLast(node) ? '└─ ' : '├─ ';
    const levels = node.depth - 1;
    const keep = levels >= this.maxGuideDepth ? this.maxGuideDepth - 1 : levels;
    const parts: string[] = [];
    let a = node.parent;
    for (let i = 0; i < keep && a; i++, a = a.parent) parts.push(this.isLast(a) ? '   ' : '│  ');
    const drawn = parts.reverse().join('') + own;
    return levels >= this.maxGuideDepth ? '…' + drawn : drawn;
  }
}
