import { describe, expect, it } from 'vitest';
import { applyEvents, emptyDigest, MAX_TOOL_CALLS } from '../../src/tui/activity.ts';
import { layoutColumns, rowCells, rowText, statusText, widestGuides } from '../../src/tui/columns.ts';
import { formatCost, formatDiff, formatDuration, formatTokens, hintsLine, packSegments, progressBar, truncate } from '../../src/tui/format.ts';
import { buildForest, flatten } from '../../src/tui/tree.ts';
import { checkEventData, type EventData } from '../../src/lineage/events/index.ts';
import type { EventKind, EventRow } from '../../src/lineage/schema.ts';
import { sampleEvent } from '../lineage/event-samples.ts';
import { fixtureRows } from './fixture.ts';

describe('formatters', () => {
  it('truncates goals to the width with an ellipsis and flattens newlines', () => {
    expect(truncate('Cache parsed configs', 10)).toBe('Cache par…');
    expect(truncate('a\nb', 10)).toBe('a b');
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', 1)).toBe('…');
  });
  it('formats numbers compactly', () => {
    expect([formatTokens(950), formatTokens(1234), formatTokens(45_600), formatTokens(2_345_678)]).toEqual(['950', '1.2k', '46k', '2.35M']);
    expect([formatCost(0), formatCost(0.004), formatCost(1.5), formatCost(null)]).toEqual(['$0.00', '<$0.01', '$1.50', '?']);
    expect([formatDuration(4_000), formatDuration(75_000), formatDuration(3_700_000), formatDuration(null)]).toEqual(['4s', '1m15s', '1h01m', '?']);
    expect([formatDiff(5, 2), formatDiff(null, null)]).toEqual(['+5/−2', '']);
    expect(progressBar(0.5, 10)).toBe('█████░░░░░');
    expect(progressBar(7, 4)).toBe('████');
  });
  it('keeps q quit, moving and details in the hints when the terminal is narrow', () => {
    const wide = hintsLine(120, { follow: false, detailOpen: false, position: '1-9/10', notice: '' });
    expect(wide).toBe('1-9/10  ↑↓/jk move  ←→ fold  enter details  b best  f follow  / search  r running  : gen  z best path  q quit');
    const narrow = hintsLine(40, { follow: true, detailOpen: true, position: '1-9/10', notice: '' });
    expect(narrow).toBe('↑↓/jk move  ←→ fold  enter close  q quit');
    expect(hintsLine(60, { follow: false, detailOpen: false, position: '', notice: 'database: locked' }))
      .toMatch(/^database: locked .*q quit$/);
  });

  it('packs header segments into lines without splitting one', () => {
    const lines = packSegments([{ text: 'aaaa' }, { text: 'bbbb' }, { text: 'cccc' }], 10);
    expect(lines.map((l) => l.map((s) => s.text).join('  '))).toEqual(['aaaa  bbbb', 'cccc']);
  });
});

describe('row layout', () => {
  const rows = flatten(buildForest(fixtureRows().candidates), new Set());
  const lineAt = (width: number) => {
    const layout = layoutColumns(width, widestGuides(rows));
    return rows.map((r) => rowText(rowCells(r, layout, { frame: 0, bestId: 'd3e4f5a6' })));
  };

  it('shows every column at 120 columns, marks the best and the survivors', () => {
    const lines = lineAt(120);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
    expect(lines[2]).toMatch(/^★ │  ├─ ▾ d3e4f5a6\s+passed\s+0\.83\s+g2\s+\+77\/−40\s+\$0\.26 Stream tool output/);
    expect(lines[1]).toMatch(/^● ├─ ▾ a1b2c3d4/);
    expect(lines[5]).toMatch(/^  │  └─ e7f8a9b0\s+rejected/);
    expect(lines[3]).toContain('⠋ modify');
  });

  it('gives the diff column up before the goal at 80 columns', () => {
    const layout = layoutColumns(80, widestGuides(rows));
    expect(layout.columns.map((c) => c.key)).toEqual(['status', 'score', 'gen', 'diff']);
    expect(layout.goalWidth).toBeGreaterThanOrEqual(20);
  });

  it('keeps 60 columns readable: id, status, score and some goal, nothing wrapped', () => {
    const layout = layoutColumns(60, widestGuides(rows));
    expect(layout.columns.map((c) => c.key)).toEqual(['status', 'score']);
    expect(layout.goalWidth).toBeGreaterThanOrEqual(12);
    for (const l of lineAt(60)) expect(l.length).toBeLessThanOrEqual(60);
    expect(lineAt(60)[9]).toMatch(/c9d0e1f2\s+failed .*Rewrite/);
  });

  it('names running and evaluating candidates with a spinner frame and their phase', () => {
    const c = fixtureRows().candidates[7];
    expect(statusText(c, 1)).toBe('⠙ modify');
    expect(statusText({ ...c, phase: null }, 0)).toBe('⠋ running');
    expect(statusText({ ...c, status: 'budget_exhausted' }, 0)).toBe('budget');
  });
});

describe('activity digest', () => {
  let id = 0;
  // An event as the runner writes it (checked with its kind's schema), or given as raw text: a row no schema reads.
  const ev = <K extends EventKind>(kind: K, data: Partial<EventData<K>> | string, candidate_id: string | null = 'a1b2c3d4'): EventRow => {
    const full = typeof data === 'string' ? null : sampleEvent(kind, data);
    if (full) checkEventData(kind, full);
    const written = full ? JSON.stringify(full) : (data as string);
    return { id: ++id, run_id: 'r', candidate_id, at: '2026-11-25T20:05:01.000Z', kind, data_json: written };
  };

  it('keeps the latest tool calls, build and test results per candidate', () => {
    const events = [
      ...Array.from({ length: 7 }, (_, i) => ev('tool_call', { tool: 'bash', ok: i !== 6, ms: 10, summary: `cmd ${i}` })),
      ev('built', { ok: true, ms: 3000 }),
      ev('tested', { passed: 40, failed: 2 }),
      ev('tool_call', '{not json', 'b5e6f708'),
    ];
    const d = applyEvents(emptyDigest(), events);
    const a = d.byCandidate.get('a1b2c3d4')!;
    expect(a.toolCalls).toHaveLength(MAX_TOOL_CALLS);
    expect(a.toolCalls.at(-1)).toEqual({ tool: 'bash', ok: false, ms: 10, summary: 'cmd 6' });
    expect(a.build).toEqual({ ok: true, ms: 3000 });
    expect(a.tests).toEqual({ passed: 40, failed: 2, ok: false });
    expect(d.byCandidate.get('b5e6f708')!.toolCalls[0]).toEqual({ tool: '?', ok: null, ms: null, summary: '' });
    expect(d.newestCandidateId).toBe('b5e6f708');
    expect(d.lastEventId).toBe(id);
  });

  it('shows the tool calls the proxy saw for an agent that reports none, and only the agent\'s own once it reports', () => {
    const cli = applyEvents(emptyDigest(), [
      ev('tool_call', { tool: 'Write', ok: true, ms: 40, summary: 'src/a.ts', source: 'proxy' }, 'c1c1c1c1'),
      ev('tool_call', { tool: 'Bash', ok: false, ms: 90, summary: 'npm test', source: 'proxy' }, 'c1c1c1c1'),
    ]);
    expect(cli.byCandidate.get('c1c1c1c1')!.toolCalls.map((c) => c.tool)).toEqual(['Write', 'Bash']);
    const builtin = applyEvents(emptyDigest(), [
      ev('tool_call', { tool: 'bash', ok: true, ms: 5, summary: 'ls', source: 'proxy' }, 'd2d2d2d2'),
      ev('tool_call', { tool: 'bash', ok: true, ms: 4, summary: 'ls', source: 'agent' }, 'd2d2d2d2'),
      ev('tool_call', { tool: 'bash', ok: true, ms: 6, summary: 'cat a', source: 'proxy' }, 'd2d2d2d2'),
      ev('tool_call', { tool: 'bash', ok: true, ms: 5, summary: 'cat a', source: 'agent' }, 'd2d2d2d2'),
    ]);
    expect(builtin.byCandidate.get('d2d2d2d2')!.toolCalls).toEqual([
      { tool: 'bash', ok: true, ms: 4, summary: 'ls' }, { tool: 'bash', ok: true, ms: 5, summary: 'cat a' },
    ]);
  });

  it('turns run-level events into log lines once, ignoring events already seen', () => {
    const first = applyEvents(emptyDigest(), [
      ev('selected', { generation: 1, rank: 1, score: 0.71 }, 'a1b2c3d4ffff'), ev('selected', { generation: 1, rank: 2, score: 0.64 }, 'b5e6f708'),
    ]);
    const again = applyEvents(first, [{ ...ev('run_finished', { status: 'done' }, null), id: first.lastEventId }]);
    expect(again).toBe(first);
    const done = applyEvents(first, [ev('run_finished', { status: 'stopped', reason: 'budget' }, null)]);
    expect(done.log.map((l) => l.text)).toEqual([
      '20:05:01  generation 1: selected a1b2c3d4 (#1, score 0.71)', '20:05:01  generation 1: selected b5e6f708 (#2, score 0.64)',
      '20:05:01  run stopped: budget',
    ]);
    expect(done.log[2].tone).toBe('bad');
  });
});
