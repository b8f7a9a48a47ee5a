/**
 * Selection and parent assignment: pure functions, deterministic for a given seed.
 *
 * - top-k: the k best passing children of the generation survive. Best: with an objective (a user judge's metric,
 *   max or min) by its value, else by score; then smaller diff, then id. Children of the next generation go to the
 *   survivors round-robin in rank order: with 3 children and 2 survivors the best gets 2 children and the second 1.
 * - dgm: every passing candidate so far (the seed included) is in the archive and survives; each child's parent is
 *   sampled with weight w / (1 + children), counting the children already given out, with a seeded PRNG. w is the
 *   score, or with an objective exp(3·x) where x is the candidate's value scaled to 0 (worst in the archive) .. 1
 *   (best): positive whatever the metric's sign, the best about 20 times as likely as the worst.
 * Failing candidates never survive; when a generation has no passing child, the previous survivors parent again.
 */
export type Strategy = 'top-k' | 'dgm';

export interface Objective { metric: string; goal: 'max' | 'min' }

export interface Contender {
  id: string;
  score: number;
  passed: boolean;
  diffLines: number;
  children: number;
  /** The objective's value (null: not measured). */
  objective?: number | null;
}

const byId = (a: Contender, b: Contender) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** How much better `a` is than `b` on the objective (positive: better); candidates without a value come last. */
function objectiveOrder(a: Contender, b: Contender, goal: Objective['goal']): number {
  const av = a.objective ?? null;
  const bv = b.objective ?? null;
  if (av === null || bv === null) return av === null ? (bv === null ? 0 : -1) : 1;
  return goal === 'max' ? av - bv : bv - av;
}

/** Best first; ties break by smaller diff, then by id, so the order never depends on timing. */
export function rank(list: readonly Contender[], goal: Objective['goal'] | null = null): Contender[] {
  const first = goal ? (a: Contender, b: Contender) => objectiveOrder(b, a, goal) : (a: Contender, b: Contender) => b.score - a.score;
  return [...list].sort((a, b) => first(a, b) || a.diffLines - b.diffLines || byId(a, b));
}

/** The survivors among one generation's children under top-k (possibly none). */
export function topK(children: readonly Contender[], k: number, goal: Objective['goal'] | null = null): string[] {
  return rank(children.filter((c) => c.passed), goal).slice(0, k).map((c) => c.id);
}

/** Parents for `count` children, round-robin over `survivors` (already in rank order). */
export function roundRobin(survivors: readonly string[], count: number): string[] {
  if (survivors.length === 0) throw new Error('no survivors to fork from');
  return Array.from({ length: count }, (_, i) => survivors[i % survivors.length]);
}

/** The sampling weight of each contender before the children discount (see the top of this file). */
export function fitness(pool: readonly Contender[], goal: Objective['goal'] | null): number[] {
  if (!goal) return pool.map((c) => Math.max(c.score, 1e-6));
  const values = pool.map((c) => c.objective).filter((v): v is number => typeof v === 'number');
  const best = goal === 'max' ? Math.max(...values) : Math.min(...values);
  const worst = goal === 'max' ? Math.min(...values) : Math.max(...values);
  return pool.map((c) => {
    if (typeof c.objective !== 'number') return 0.5; // unmeasured: half the worst measured one's weight
    return best === worst ? 1 : Math.exp(3 * ((c.objective - worst) / (best - worst)));
  });
}

/** Parents for `count` children sampled from the archive of passing candidates, DGM-style. */
export function dgmParents(archive: readonly Contender[], count: number, seed: number, goal: Objective['goal'] | null = null): string[] {
  const pool = rank(archive.filter((c) => c.passed), goal).map((c) => ({ ...c }));
  if (pool.length === 0) throw new Error('no passing candidate to fork from');
  const base = fitness(pool, goal);
  const random = mulberry32(seed);
  const parents: string[] = [];
  for (let i = 0; i < count; i++) {
    const weights = pool.map((c, j) => base[j] / (1 + c.children));
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
