/**
 * Selection and parent assignment: pure functions, deterministic for a given seed.
 *
 * - top-k: the k best passing children of the generation survive (score desc, then smaller diff, then id).
 *   Children of the next generation go to the survivors round-robin in rank order: with 3 children and
 *   2 survivors the best gets 2 children and the second 1.
 * - dgm: every passing candidate so far (the seed included) is in the archive and survives; each child's parent is
 *   sampled with weight score / (1 + children), counting the children already given out, with a seeded PRNG.
 * Failing candidates never survive; when a generation has no passing child, the previous survivors parent again.
 */
export type Strategy = 'top-k' | 'dgm';

export interface Contender {
  id: string;
  score: number;
  passed: boolean;
  diffLines: number;
  children: number;
}

/** Best first; ties break by smaller diff, then by id, so the order never depends on timing. */
export function rank(list: readonly Contender[]): Contender[] {
  return [...list].sort((a, b) => b.score - a.score || a.diffLines - b.diffLines || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The survivors among one generation's children under top-k (possibly none). */
export function topK(children: readonly Contender[], k: number): string[] {
  return rank(children.filter((c) => c.passed)).slice(0, k).map((c) => c.id);
}

/** Parents for `count` children, round-robin over `survivors` (already in rank order). */
export function roundRobin(survivors: readonly string[], count: number): string[] {
  if (survivors.length === 0) throw new Error('no survivors to fork from');
  return Array.from({ length: count }, (_, i) => survivors[i % survivors.length]);
}

/** Parents for `count` children sampled from the archive of passing candidates, DGM-style. */
export function dgmParents(archive: readonly Contender[], count: number, seed: number): string[] {
  const pool = rank(archive.filter((c) => c.passed)).map((c) => ({ ...c }));
  if (pool.length === 0) throw new Error('no passing candidate to fork from');
  const random = mulberry32(seed);
  const parents: string[] = [];
  for (let i = 0; i < count; i++) {
    const weights = pool.map((c) => Math.max(c.score, 1e-6) / (1 + c.children));
    const total = weights.reduce((a, b) => a + b, 0);
    let pick = random() * total;
    let index = 0;
    while (index < pool.length - 1 && pick >= weights[index]) pick -= weights[index++];
    pool[index].children++;
    parents.push(pool[index].id);
  }
  return parents;
}

/** A small seeded PRNG (mulberry32): reproducible across platforms. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from text (FNV-1a), e.g. the run id and generation. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
