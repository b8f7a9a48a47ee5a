import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEvents, emptyDigest } from '../../src/tui/activity.ts';
import { layoutColumns, widestGuides } from '../../src/tui/columns.ts';
import { DetailPane } from '../../src/tui/components/DetailPane.tsx';
import { Header } from '../../src/tui/components/Header.tsx';
import { KeyHints } from '../../src/tui/components/KeyHints.tsx';
import { TreeView } from '../../src/tui/components/TreeView.tsx';
import { parseRunConfig } from '../../src/tui/config.ts';
import { detailLines } from '../../src/tui/detail.ts';
import { headerLines } from '../../src/tui/header.ts';
import { summarize } from '../../src/tui/stats.ts';
import { buildForest, flatten } from '../../src/tui/tree.ts';
import { fixtureRows, runRow } from './fixture.ts';

const base = Date.parse('2026-11-25T20:05:01Z');
const { run, candidates } = fixtureRows(base);
const byId = (id: string) => candidates.find((c) => c.id === id)!;
const mounted: { unmount: () => void }[] = [];
const show = (el: React.ReactElement) => {
  const r = render(el);
  mounted.push(r);
  return r.lastFrame() ?? '';
};
afterEach(() => mounted.splice(0).forEach((m) => m.unmount()));

describe('Header', () => {
  const header = (config: object, width = 100, r = run) => {
    const cfg = parseRunConfig(JSON.stringify(config));
    return show(<Header width={width} lines={headerLines(r, cfg, summarize(r, cfg, candidates, base + 372_000), width)} />);
  };

  it('shows run, target, model, generation, counts, survivors, tokens, cost vs budget, elapsed, ETA and progress', () => {
    const frame = header({ population: 3, generations: 3, model: 'claude-sonnet-4-5', budgetUsd: 5 });
    expect(frame).toContain('evolve 20261125-200501-ab12');
    expect(frame).toContain('target /home/dev/evolve');
    expect(frame).toContain('model claude-sonnet-4-5');
    expect(frame).toMatch(/gen 3\/3\s+2 running\s+6 done\s+2 failed\s+2 survivors\s+341k tok\s+\$1\.46 \/ \$5\.00/);
    expect(frame).toMatch(/█+░+ 67%\s+elapsed 6m12s\s+eta 1m35s/);
    expect(frame).not.toContain('STAND-IN');
  });

  it('shows ? for whatever the config leaves out, and loud labels for a stand-in model and no sandbox', () => {
    const frame = header({ standin: true, standinLabel: 'scripted demo model', sandbox: 'none' });
    expect(frame).toContain('STAND-IN MODEL');
    expect(frame).toContain('scripted demo model');
    expect(frame).toContain('UNSAFE: NO SANDBOX');
    expect(frame).toContain('model ?');
    expect(frame).toMatch(/gen 3\/\?/);
    expect(frame).toContain('$1.46 / ?');
  });

  it('wraps between segments at 60 columns instead of cutting words', () => {
    const lines = header({ population: 3, generations: 3, model: 'claude-sonnet-4-5', budgetUsd: 5 }, 60).split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    expect(lines.some((l) => l.startsWith('gen 3/3'))).toBe(true);
    expect(lines.some((l) => l.includes('$1.46 / $5.00'))).toBe(true);
  });

  it('says how a finished run ended and drops the ETA', () => {
    const frame = header({}, 100, runRow({ status: 'stopped', stop_reason: 'budget', finished_at: '2026-11-25T20:10:01Z' }));
    expect(frame).toContain('stopped (budget)');
    expect(frame).toContain('elapsed 5m00s');
    expect(frame).not.toContain('eta');
  });
});

describe('TreeView', () => {
  const rows = flatten(buildForest(candidates), new Set(['f1a2b3c4']));
  const tree = (width: number, frame = 0) =>
    show(<TreeView rows={rows} layout={layoutColumns(width, widestGuides(rows))} selectedId="a1b2c3d4" bestId="d3e4f5a6" frame={frame} width={width} />);

  it('draws one line per candidate with status, spinner and phase, score, diff, cost and goal; marks best and survivors', () => {
    const [titles, ...lines] = tree(120).split('\n');
    expect(titles).toMatch(/^  lineage\s+status\s+score gen\s+diff\s+cost goal$/);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^● ▾ seed0000\s+passed\s+0\.50/);
    expect(lines[1]).toMatch(/^● ├─ ▾ a1b2c3d4\s+passed\s+0\.71\s+g1\s+\+58\/−12\s+\$0\.21 Cache parsed configs/);
    expect(lines[2]).toMatch(/^★ │  ├─ ▾ d3e4f5a6\s+passed\s+0\.83/);
    expect(lines[3]).toMatch(/0a1b2c3d\s+⠋ modify\s+–\s+g3\s+\$0\.10 Parallelise/);
    expect(lines[4]).toMatch(/4e5f6a7b\s+⠋ evaluating/);
    expect(lines[5]).toMatch(/e7f8a9b0\s+rejected/);
    expect(lines[7]).toMatch(/^● │  └─ ▸ f1a2b3c4/);
    expect(lines[8]).toMatch(/c9d0e1f2\s+failed\s+0\.10\s+g1\s+\+410\/−220\s+\$0\.44 Rewrite/);
  });

  it('turns the spinner with the frame and fits 60 columns', () => {
    expect(tree(120, 3)).toContain('⠸ modify');
    for (const l of tree(60).split('\n')) expect(l.length).toBeLessThanOrEqual(60);
  });
});

describe('DetailPane', () => {
  const digest = applyEvents(emptyDigest(), [
    { id: 1, run_id: run.id, candidate_id: 'c9d0e1f2', at: run.started_at, kind: 'tool_call', data_json: '{"tool":"bash","ok":true,"ms":900,"summary":"rg scheduler src"}' },
    { id: 2, run_id: run.id, candidate_id: 'c9d0e1f2', at: run.started_at, kind: 'tool_call', data_json: '{"tool":"bash","ok":false,"ms":5100,"summary":"npm test"}' },
    { id: 3, run_id: run.id, candidate_id: 'c9d0e1f2', at: run.started_at, kind: 'built', data_json: '{"ok":true,"ms":3200}' },
  ]);
  const pane = (id: string, width = 100, maxLines = 12) =>
    show(<DetailPane width={width} lines={detailLines(byId(id), digest.byCandidate.get(id), { width, maxLines, bestId: 'd3e4f5a6' })} />);

  it('says which worker ran a candidate of a --queue run, and how many tries it took', () => {
    const lines = detailLines({ ...byId('c9d0e1f2'), worker: 'gpu-box-2', attempts: 2 }, undefined, { width: 100, maxLines: 12, bestId: null });
    expect(lines[0].text).toContain('2 attempts · on gpu-box-2');
  });

  it('shows goal, plan, branch, build and tests, diff, tokens, cost, latest tool calls and the error', () => {
    const frame = pane('c9d0e1f2');
    expect(frame).toContain('c9d0e1f2 · gen 1 · failed · score 0.10');
    expect(frame).toMatch(/goal\s+Rewrite the scheduler around worker threads/);
    expect(frame).toMatch(/branch\s+evolve\/20261125-200501-ab12\/g1-c9d0e1f2/);
    expect(frame).toMatch(/checks\s+build ok \(3s\) · tests 30 passed, 11 failed · diff \+410\/−220 · 90k in\/14k out · \$0\.44/);
    expect(frame).toMatch(/tools\s+✓ bash  rg scheduler src \(900ms\)/);
    expect(frame).toContain('✗ bash  npm test (5s)');
    expect(frame).toMatch(/error\s+tests failed: 11 of 41/);
  });

  it('shows the plan of a running candidate, and keeps the error when lines must be dropped', () => {
    expect(pane('0a1b2c3d')).toMatch(/plan\s+1\. Split evaluate\(\) per candidate 2\. Use a pool/);
    const short = pane('c9d0e1f2', 60, 4).split('\n');
    expect(short).toHaveLength(5);
    expect(short.at(-1)).toMatch(/^error/);
    for (const l of short) expect(l.length).toBeLessThanOrEqual(60);
  });
});

describe('KeyHints', () => {
  it('lists the keys, or asks before stopping a run', () => {
    expect(show(<KeyHints width={100} confirmingStop={false} follow={false} detailOpen={false} position="1-10/40" />))
      .toBe('1-10/40  ↑↓/jk move  ←→ fold  enter details  b best  f follow  / search  r running  : gen  q quit');
    expect(show(<KeyHints width={100} confirmingStop follow={false} detailOpen={false} position="" />)).toBe('Stop the run? (y/n)');
  });
});
