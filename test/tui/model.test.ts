import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CandidateRow } from '../../src/lineage/schema.ts';
import type { EventData } from '../../src/lineage/events/index.ts';
import type { EventKind } from '../../src/lineage/schema.ts';
import { openStore } from '../../src/lineage/store.ts';
import { sampleEvent } from '../lineage/event-samples.ts';
import { LineageModel } from '../../src/tui/model.ts';
import { openSource } from '../../src/tui/source.ts';
import { bestCandidate } from '../../src/lineage/best.ts';
import { summarize } from '../../src/tui/stats.ts';
import { RunTally } from '../../src/tui/tally.ts';
import { candidate, fixtureRows, syntheticRows } from './fixture.ts';
import { fixtureDb } from './helpers.ts';

const base = Date.parse('2026-11-25T20:05:01Z');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((f) => f()));

/** What a model shows, in plain data, to compare a patched model with a freshly opened one. */
const shown = (m: LineageModel, now: number) => ({
  rows: m.layout.flatRows().map((r) => `${r.guides}${r.id} ${r.candidate.status} ${r.candidate.score}`),
  stats: m.stats(now), best: m.best()?.id, log: m.log.map((l) => l.text), newest: m.newestCandidateId,
  lastEventId: m.lastEventId, run: m.run.status,
});

describe('RunTally', () => {
  it('counts like summarize and names the best like bestCandidate, row change by row change', () => {
    const { run, candidates } = fixtureRows(base);
    const rows = [...candidates, ...syntheticRows(300).slice(1).map((c) => ({ ...c, id: `x${c.id.slice(1)}`, parent_id: c.parent_id === 'seed0000' ? 'seed0000' : `x${c.parent_id!.slice(1)}` }))];
    const tally = new RunTally(rows);
    const current = new Map(rows.map((r) => [r.id, r]));
    const check = () => {
      const all = [...current.values()];
      const totals = tally.totals();
      const stats = summarize(run, { standin: false, unsafeNoSandbox: false }, all, base + 400_000);
      expect({ ...totals, costUsd: +totals.costUsd.toFixed(9) }).toMatchObject({
        running: stats.running, pending: stats.pending, done: stats.done, passed: stats.passed, tokens: stats.tokens,
        costUsd: +stats.costUsd.toFixed(9), survivors: stats.survivors, generation: stats.generation,
      });
      expect(tally.best()?.id).toBe(bestCandidate(all)?.id);
    };
    check();
    const changes: CandidateRow[] = [
      { ...current.get('d3e4f5a6')!, score: 0.2 }, // the best falls back: another one takes its place
      { ...current.get('0a1b2c3d')!, status: 'passed', score: 0.99, finished_at: new Date(base + 300_000).toISOString() },
      { ...current.get('8c9d0e1f')!, status: 'running', started_at: new Date(base + 390_000).toISOString() },
      { ...current.get('0a1b2c3d')!, status: 'failed', score: 0.1, survived: 0 },
      { ...current.get('c9d0e1f2')!, survived: 1, cost_usd: 2.5, generation: 1 },
      candidate({ id: 'n0000001', generation: 4, parent_id: '0a1b2c3d', status: 'passed', score: 0.99, survived: 1 }),
    ];
    for (const c of changes) {
      tally.update([c]);
      current.set(c.id, c);
      check();
    }
  });
});

describe('LineageModel', () => {
  it('opened before the run has a candidate, reads the first ones and then only what changes', () => {
    const db = fixtureDb({ base });
    const writer = new Database(db.path);
    cleanups.push(db.cleanup, () => writer.close());
    writer.exec(`DELETE FROM events; DELETE FROM candidates`);
    const source = openSource(db.path);
    cleanups.push(() => source.close());
    const model = new LineageModel(source, db.runId);
    expect(model.layout.size).toBe(0);
    const { candidates } = fixtureRows(base);
    const cols = Object.keys(candidates[0]);
    const insert = writer.prepare(`INSERT INTO candidates (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`);
    insert.run(candidates[0]);
    expect(model.poll()).toBe(true);
    expect(model.layout.flatRows().map((r) => r.id)).toEqual(['seed0000']);
    const changes = source.changes.bind(source);
    const read: number[] = [];
    source.changes = (runId, sinceRev, afterEventId) => {
      const c = changes(runId, sinceRev, afterEventId);
      read.push(c.candidates.length);
      return c;
    };
    insert.run(candidates[1]);
    writer.prepare(`UPDATE candidates SET phase = 'plan' WHERE id = ?`).run(candidates[1].id);
    expect(model.poll()).toBe(true);
    expect(read).toEqual([1]);
    expect(model.layout.candidate(candidates[1].id)?.phase).toBe('plan');
  });

  it('patched by polls, shows exactly what a model opened afresh on the same database shows', () => {
    const db = fixtureDb({ base });
    const source = openSource(db.path);
    cleanups.push(db.cleanup, () => source.close());
    const model = new LineageModel(source, db.runId);
    expect(model.activityOf('c9d0e1f2')?.toolCalls.length).toBeGreaterThan(0);
    model.activityOf('8c9d0e1f');
    const writer = new Database(db.path);
    cleanups.push(() => writer.close());
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const events = openStore(db.path);
    cleanups.push(() => events.close());
    const event = <K extends EventKind>(candidateId: string | null, s: number, kind: K, data: Partial<EventData<K>>) =>
      events.appendEvent({ runId: db.runId, candidateId, at: at(s), kind, data: sampleEvent(kind, data) });
    const steps: (() => void)[] = [
      () => writer.prepare(`UPDATE candidates SET status = 'running', phase = 'plan', started_at = ? WHERE id = '8c9d0e1f'`).run(at(390)),
      () => event('8c9d0e1f', 391, 'tool_call', { tool: 'bash', ok: false, ms: 7, summary: 'npm test' }),
      () => writer.prepare(`INSERT INTO candidates (id, run_id, generation, parent_id, status, started_at) VALUES ('77777777', ?, 3, 'f1a2b3c4', 'pending', ?)`).run(db.runId, at(392)),
      () => writer.prepare(`UPDATE candidates SET status = 'passed', score = 0.95, finished_at = ? WHERE id = '0a1b2c3d'`).run(at(393)),
      () => event('0a1b2c3d', 394, 'selected', { generation: 3, rank: 1, score: 0.95 }),
      () => writer.prepare(`UPDATE runs SET status = 'done', finished_at = ?`).run(at(395)),
    ];
    for (const step of steps) {
      step();
      expect(model.poll()).toBe(true);
      const freshSource = openSource(db.path);
      const fresh = new LineageModel(freshSource, db.runId);
      expect(shown(model, base + 400_000)).toEqual(shown(fresh, base + 400_000));
      for (const id of ['c9d0e1f2', '8c9d0e1f']) expect(model.activityOf(id)).toEqual(fresh.activityOf(id));
      freshSource.close();
    }
    expect(model.poll()).toBe(false);
    expect(model.activityOf('8c9d0e1f')?.toolCalls.at(-1)).toMatchObject({ tool: 'bash', ok: false, summary: 'npm test' });
    expect(model.best()?.id).toBe('0a1b2c3d');
    expect(model.log.at(-1)?.text).toMatch(/generation 3: selected 0a1b2c3d/);
  });
});
