import type { CandidateRow, RunRow } from './schema.ts';
import type { CandidateOutline, GenerationStats, TreeNode } from './types.ts';

/** Pure text formatting of the genealogy for `evolve lineage` and `evolve show`. */

export const SURVIVOR_MARK = '★';
export const BEST_MARK = '◆';

/** The first line of `text`, at most `max` characters (an ellipsis marks a cut). */
export function excerpt(text: string | null | undefined, max: number): string {
  if (!text) return '';
  const trimmed = text.trim();
  const end = trimmed.indexOf('\n');
  let line = end < 0 ? trimmed : trimmed.slice(0, end);
  // Most goals are one line of single spaces: no need to build the collapsed copy (10,000 lines of `evolve lineage`).
  if (SPACE_RUN.test(line)) line = line.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Whitespace that \s+ → ' ' would change: a run of two, or one that is not a plain space. */
const SPACE_RUN = /\s\s|[^\S ]/;

export function formatScore(score: number | null): string {
  return score === null ? '—' : score.toFixed(3);
}

export function formatDiff(c: Pick<CandidateRow, 'diff_added' | 'diff_removed'>): string {
  if (c.diff_added === null && c.diff_removed === null) return '—';
  return `+${c.diff_added ?? 0}/−${c.diff_removed ?? 0}`;
}

/**
 * 1234567 → "1,234,567", as toLocaleString('en-US') writes it, without the cost of setting up Intl's formatter on
 * each call (three calls took ~40 ms of a 10,000-candidate `evolve lineage`).
 */
export function thousands(n: number): string {
  if (!Number.isInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

export function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

const FAILED = new Set(['failed', 'rejected', 'budget_exhausted', 'error']);

/** One candidate on one line: id, generation, status, score, diff size, marks, goal excerpt (and why it failed). */
export function candidateLine(c: CandidateOutline, bestId: string | null): string {
  const marks = `${c.survived ? SURVIVOR_MARK : ' '}${c.id === bestId ? BEST_MARK : ' '}`;
  const goal = excerpt(c.goal, 60) || (c.parent_id === null ? '(seed)' : '(no goal yet)');
  const why = FAILED.has(c.status) && c.error ? `  ✗ ${excerpt(c.error, 50)}` : '';
  return `${c.id} ${`g${c.generation}`.padEnd(4)} ${c.status.padEnd(16)} ${formatScore(c.score).padStart(7)} ` +
    `${formatDiff(c).padEnd(11)} ${marks} ${goal}${why}`;
}

/** Guide levels drawn before a line; deeper lines keep the last ones after a '…' (their generation says the depth). */
export const MAX_GUIDE_LEVELS = 16;

/**
 * The tree as indented lines with box-drawing guides. Iterative, so a chain thousands of generations deep
 * cannot overflow the stack; its guides are cut to MAX_GUIDE_LEVELS (a 1,000-deep campaign printed 26 MB of them).
 */
export function renderTreeLines(roots: readonly TreeNode<CandidateOutline>[], bestId: string | null): string[] {
  const lines: string[] = [];
  const stack: { node: TreeNode<CandidateOutline>; prefix: string; branch: string; cut: boolean }[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i], prefix: '', branch: '', cut: false });
  const keep = (MAX_GUIDE_LEVELS - 1) * 3;
  while (stack.length > 0) {
    const { node, prefix, branch, cut } = stack.pop()!;
    lines.push((cut ? '…' : '') + prefix + branch + candidateLine(node.candidate, bestId));
    let childPrefix = prefix + (branch === '├─ ' ? '│  ' : branch === '└─ ' ? '   ' : '');
    let childCut = cut;
    if (childPrefix.length > keep) {
      childPrefix = childPrefix.slice(childPrefix.length - keep);
      childCut = true;
    }
    const kids = node.children;
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ node: kids[i], prefix: childPrefix, branch: i === kids.length - 1 ? '└─ ' : '├─ ', cut: childCut });
    }
  }
  return lines;
}

/** The header of a run: id, status, times, target, totals, best candidate. */
export function runHeader(run: RunRow, stats: readonly GenerationStats[], best: Pick<CandidateRow, 'id' | 'score'> | undefined): string[] {
  const count = stats.reduce((n, s) => n + s.count, 0);
  const cost = stats.reduce((n, s) => n + s.costUsd, 0);
  // Prompt tokens in all: uncached input plus cache reads and writes (with caching, most input is a cache read).
  const cached = stats.reduce((n, s) => n + s.cacheReadTokens, 0);
  const tokensIn = stats.reduce((n, s) => n + s.inputTokens + s.cacheReadTokens + s.cacheWriteTokens, 0);
  const tokensOut = stats.reduce((n, s) => n + s.outputTokens, 0);
  const finished = run.finished_at ? `  finished ${run.finished_at}` : '';
  const reason = run.stop_reason ? ` (${excerpt(run.stop_reason, 80)})` : '';
  return [
    `run ${run.id}  ${run.status}${reason}  started ${run.started_at}${finished}`,
    `target ${run.target}`,
    `${count} candidate${count === 1 ? '' : 's'} in ${stats.length} generation${stats.length === 1 ? '' : 's'}` +
      `  ${formatUsd(cost)}  ${thousands(tokensIn)} in (${thousands(cached)} cache reads) / ${thousands(tokensOut)} out tokens` +
      (best ? `  best ${best.id} (${formatScore(best.score)})` : '  no candidate passed'),
  ];
}

/** The whole `evolve lineage` text: header, tree, legend. */
export function renderLineage(
  run: RunRow, roots: readonly TreeNode<CandidateOutline>[], stats: readonly GenerationStats[], best: Pick<CandidateRow, 'id' | 'score'> | undefined,
): string {
  const tree = roots.length ? renderTreeLines(roots, best?.id ?? null) : ['(no candidates yet)'];
  return [...runHeader(run, stats, best), '', ...tree, '', `${SURVIVOR_MARK} survived  ${BEST_MARK} best`, ''].join('\n');
}
