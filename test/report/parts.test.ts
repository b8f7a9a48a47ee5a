/** The report's parts on their own: diffs read from a real git repository, the tree's layout at 1,000 candidates, the best-so-far line. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CandidateRow } from '../../src/lineage/schema.ts';
import { bestSoFar, niceTicks } from '../../src/report/charts.ts';
import { readDiffs } from '../../src/report/diffs.ts';
import { readObjective } from '../../src/report/metrics.ts';
import { layoutTree, renderTree } from '../../src/report/tree.ts';
import { git, makeRepo } from '../evolve/helpers.ts';

function commit(repo: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(repo, name), text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'change');
  return git(repo, 'rev-parse', 'HEAD');
}

describe('readDiffs', () => {
  const repo = makeRepo({ 'a.txt': 'one\n', 'agent_context.json': '{"history":[]}\n' });
  const base = git(repo, 'rev-parse', 'HEAD');
  const big = commit(repo, { 'big.txt': Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n') + '\n', 'agent_context.json': '{"history":[1]}\n' });
  const contextOnly = commit(repo, { 'agent_context.json': '{"history":[1,2]}\n' });
  const small = commit(repo, { 'a.txt': 'one\ntwo\n' });

  it('reads each diff against its base, agent_context.json excluded, empty when that was all', async () => {
    const diffs = await readDiffs(repo, [
      { candidateId: 'small', base: contextOnly, commit: small },
      { candidateId: 'ctx', base: big, commit: contextOnly },
    ]);
    const s = diffs.get('small');
    expect(s).toMatchObject({ kind: 'diff', truncated: false });
    expect(s?.kind === 'diff' && s.text).toBe(git(repo, 'diff', contextOnly, small) + '\n');
    expect(diffs.get('ctx')).toEqual({ kind: 'diff', text: '', truncated: false, chars: 0 });
  });

  it('cuts a diff at the per-candidate cap and leaves out what the page budget cannot hold, in the order given', async () => {
    const diffs = await readDiffs(repo, [
      { candidateId: 'first', base, commit: big },
      { candidateId: 'second', base, commit: big },
      { candidateId: 'third', base, commit: big },
    ], { perCandidate: 2000, total: 3200 });
    const first = diffs.get('first');
    const second = diffs.get('second');
    if (first?.kind !== 'diff' || second?.kind !== 'diff') throw new Error('expected two diffs');
    expect(first.truncated).toBe(true);
    expect(first.text.length).toBeLessThanOrEqual(2000);
    expect(first.text.length).toBeGreaterThan(1900);
    expect(first.chars).toBeGreaterThan(3000);
    expect(first.text).toContain('+++ b/big.txt');
    expect(first.text).not.toContain('agent_context');
    expect(second.truncated).toBe(true);
    expect(second.text.length).toBeLessThanOrEqual(3200 - first.text.length);
    expect(second.text.length).toBeGreaterThan(1000);
    // Less budget left than a small diff needs: left out whole, not shown as a line or two.
    expect(diffs.get('third')).toEqual({ kind: 'left_out' });
  });

  it('says why a diff is missing: a commit gone, a recorded value that is no commit id, a target gone', async () => {
    const diffs = await readDiffs(repo, [
      { candidateId: 'gone', base, commit: 'dead'.repeat(10) },
      { candidateId: 'option', base, commit: '--output=/tmp/x' },
      { candidateId: 'fine', base: contextOnly, commit: small },
      { candidateId: 'short', base: contextOnly.slice(0, 12), commit: small.slice(0, 10) },
    ]);
    expect(diffs.get('short')).toEqual(diffs.get('fine'));
    expect(diffs.get('gone')).toEqual({ kind: 'unavailable', reason: 'its commit is no longer in the target repository' });
    expect(diffs.get('option')).toEqual({ kind: 'unavailable', reason: 'the recorded commits are not commit ids' });
    expect(diffs.get('fine')?.kind).toBe('diff');
    const away = await readDiffs(path.join(repo, 'not-here'), [{ candidateId: 'x', base, commit: small }]);
    expect(away.get('x')).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('is not there any more') });
  });
});

function candidate(id: string, generation: number, parent: string | null, status: CandidateRow['status'] = 'passed'): CandidateRow {
  return {
    id, run_id: 'r', generation, parent_id: parent, branch: null, base_commit: null, commit_sha: null, goal: `goal ${id}`, status,
    build_ok: 1, tests_passed: 1, tests_failed: 0, diff_added: 1, diff_removed: 0, score: generation, survived: 0,
    input_tokens: 0, output_tokens: 0, cost_usd: 0, started_at: null, finished_at: null, error: null, step: 'evaluated',
    attempts: 1, phase: null, plan: null, agent_summary: null, agent_success: 1, cache_read_tokens: 0, cache_write_tokens: 0, model_calls: 0, stubs_added: null, duplicate_of: null, objective: null,
  };
}

describe('the lineage tree', () => {
  it('lays out 1,000 candidates (a seed, then generations of 10) apart from each other, one column per generation', () => {
    const rows: CandidateRow[] = [candidate('c0', 0, null)];
    for (let g = 1; g <= 100; g++) for (let i = 0; i < 10; i++) rows.push(candidate(`c${g}-${i}`, g, g === 1 ? 'c0' : `c${g - 1}-${i % 3}`));
    rows.length = 1000;
    const layout = layoutTree(rows);
    expect(layout.nodes).toHaveLength(1000);
    const spots = new Set(layout.nodes.map((n) => `${n.x},${n.y}`));
    expect(spots.size).toBe(1000);
    for (const n of layout.nodes) {
      expect(n.x).toBe(layout.columnX(n.candidate.generation));
      expect(n.x).toBeGreaterThan(0);
      expect(n.x).toBeLessThan(layout.width);
      expect(n.y).toBeGreaterThan(0);
      expect(n.y).toBeLessThan(layout.height);
    }
    // Nodes of one column at least 16 px apart: still one click each.
    const column = layout.nodes.filter((n) => n.candidate.generation === 50).map((n) => n.y).sort((a, b) => a - b);
    for (let i = 1; i < column.length; i++) expect(column[i] - column[i - 1]).toBeGreaterThanOrEqual(16);
    const svg = renderTree({ candidates: rows, bestId: 'c99-0', bestPath: new Set(['c0', 'c1-0', 'c2-0', 'c99-0']) });
    expect(svg.match(/data-id="/g)).toHaveLength(1000);
    expect(svg.match(/data-best="1"/g)).toHaveLength(1);
  });

  it('keeps a family together: children in the order of their parents', () => {
    const rows = [candidate('s', 0, null), candidate('a', 1, 's'), candidate('b', 1, 's'),
      candidate('b1', 2, 'b'), candidate('a1', 2, 'a'), candidate('b2', 2, 'b'), candidate('a2', 2, 'a')];
    const y = new Map(layoutTree(rows).nodes.map((n) => [n.candidate.id, n.y]));
    const order = ['a1', 'a2', 'b1', 'b2'].sort((p, q) => y.get(p)! - y.get(q)!);
    expect(order).toEqual(['a1', 'a2', 'b1', 'b2']);
  });
});

describe('the charts', () => {
  it('draws the best passed value so far, for either direction of the objective', () => {
    const points = [
      { c: candidate('s', 0, null), v: 10 }, { c: candidate('a', 1, 's', 'failed'), v: 2 }, { c: candidate('b', 1, 's'), v: 7 },
      { c: candidate('c', 2, 'b'), v: 12 }, { c: candidate('d', 3, 'c'), v: 9 },
    ];
    expect(bestSoFar(points, 3, true)).toEqual([[0, 10], [1, 10], [2, 12], [3, 12]]);
    expect(bestSoFar(points, 3, false)).toEqual([[0, 10], [1, 7], [2, 7], [3, 7]]);
  });

  it('reads the objective from the config: higher is better unless it says min', () => {
    const objective = (config: object) => readObjective(JSON.stringify(config));
    expect(objective({ objective: { metric: 'ms', goal: 'min' } })).toEqual({ metric: 'ms', goal: 'min', higherIsBetter: false });
    expect(objective({ objective: { metric: 'acc', goal: 'max' } })?.higherIsBetter).toBe(true);
    // The runner freezes max or min; any other goal is not its config's, and reads as no objective.
    expect(objective({ objective: { metric: 'loss', goal: 'minimize' } })).toBeNull();
    expect(objective({})).toBeNull();
    expect(objective({ objective: 'speed' })).toBeNull();
  });

  it('picks round ticks that cover the values', () => {
    expect(niceTicks(0, 0.0434)).toEqual([0, 0.01, 0.02, 0.03, 0.04, 0.05]);
    expect(niceTicks(73.4, 98.4)).toEqual([70, 75, 80, 85, 90, 95, 100]);
    const flat = niceTicks(100, 100);
    expect(flat[0]).toBeLessThan(100);
    expect(flat[flat.length - 1]).toBeGreaterThan(100);
  });
});
