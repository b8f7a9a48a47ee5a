/**
 * The typed events (src/lineage/events): one schema per kind, the store refusing any event its kind's schema does
 * not declare, docs/lineage.md listing exactly those kinds and fields, and readers that still read older rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEventData, EVENT_SCHEMAS, InvalidEventError, readEventData } from '../../src/lineage/events/index.ts';
import { EVENT_KINDS, type EventKind } from '../../src/lineage/schema.ts';
import { openStore } from '../../src/lineage/store.ts';
import { EVENT_SAMPLES } from './event-samples.ts';
import { tempDir, track } from './fixtures.ts';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/lineage.md'), 'utf8');
const RUN = 'r1';

function freshStore() {
  const store = track(openStore(join(tempDir(), 'lineage.db')));
  store.createRun({ id: RUN, target: '/repo', config: {} });
  store.addCandidate({ id: 'c0ffee01', runId: RUN, generation: 1, parentId: null, branch: 'b', baseCommit: 'a' });
  return store;
}

describe('event schemas', () => {
  it('has one schema for every event kind, and none for another', () => {
    expect(Object.keys(EVENT_SCHEMAS).sort()).toEqual([...EVENT_KINDS].sort());
  });

  it('are documented in docs/lineage.md: exactly these kinds, each row naming every field its schema declares', () => {
    const section = DOC.slice(DOC.indexOf('## Event kinds')).split(/^#{1,3} (?!Event kinds)/m)[0];
    const rows = new Map([...section.matchAll(/^\| `(\w+)` \|(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect([...rows.keys()]).toEqual([...EVENT_KINDS]);
    const undocumented = EVENT_KINDS.flatMap((kind) => {
      const named = new Set([...rows.get(kind)!.matchAll(/`([\w.]+)`/g)].map((m) => m[1]));
      return Object.keys(EVENT_SCHEMAS[kind].shape).filter((field) => !named.has(field)).map((field) => `${kind}.${field}`);
    });
    expect(undocumented).toEqual([]);
  });

  it('accept the shape the runner writes of every kind (the samples fixtures write from)', () => {
    for (const kind of EVENT_KINDS) expect(() => checkEventData(kind, EVENT_SAMPLES[kind])).not.toThrow();
  });
});

describe('the store refuses an event its kind does not declare, and writes nothing', () => {
  const refused = (store: ReturnType<typeof freshStore>, kind: EventKind, data: Record<string, unknown>) => {
    const before = store.events('c0ffee01').length;
    let error: unknown;
    try {
      store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind, data });
    } catch (err) {
      error = err;
    }
    expect(store.events('c0ffee01')).toHaveLength(before);
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as Error).message;
  };

  it('an undeclared field, an ill-typed one, a missing one, an unknown kind', () => {
    const store = freshStore();
    expect(refused(store, 'tool_call', { ...EVENT_SAMPLES.tool_call, tests_passed: 3 })).toMatch(/^tool_call event refused .*Unrecognized key: "tests_passed"/);
    expect(refused(store, 'built', { ...EVENT_SAMPLES.built, ms: '3 s' })).toMatch(/built event refused .*ms: Invalid input: expected number, received string/);
    expect(refused(store, 'selected', { generation: 1, survivors: ['a', 'b'] })).toMatch(/selected event refused .*rank: .*Unrecognized key: "survivors"/);
    expect(refused(store, 'nonsense' as EventKind, {})).toMatch(/unknown event kind/);
    // What the schema declares is written as given, in the writer's order.
    store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: 'phase', data: { name: 'plan' } });
    expect(store.events('c0ffee01').map((e) => e.data_json)).toEqual(['{"name":"plan"}']);
  });

  it('a metered call with a field model_call does not declare: neither the event nor the totals', () => {
    const store = freshStore();
    const call = {
      runId: RUN, candidateId: 'c0ffee01', model: 'm', inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0,
      costUsd: 0.01, retried: true,
    };
    expect(() => store.recordModelCall(call)).toThrow(/model_call event refused .*Unrecognized key: "retried"/);
    expect(store.getCandidate('c0ffee01')).toMatchObject({ input_tokens: 0, model_calls: 0, cost_usd: 0 });
    expect(store.events('c0ffee01')).toEqual([]);
  });
});

describe('readEventData reads rows an older evolve wrote', () => {
  it('reads a row of the current shape as written', () => {
    expect(readEventData('tested', JSON.stringify(EVENT_SAMPLES.tested))).toEqual(EVENT_SAMPLES.tested);
  });

  it('keeps each declared field of the declared type, drops the rest, and reads what is not an object as nothing', () => {
    const old = JSON.stringify({ passed: 12, failed: '0', parser: 'vitest', ms: 900 });
    expect(readEventData('tested', old)).toEqual({ passed: 12, ms: 900 });
    expect(readEventData('selected', '{"generation":2,"survivors":["a1b2c3d4"]}')).toEqual({ generation: 2 });
    expect(readEventData('error', '{not json')).toEqual({});
    expect(readEventData('error', '[1,2]')).toEqual({});
  });

  it('reads such a row back from a store', () => {
    const store = freshStore();
    // An older evolve's row, written before its kind had a schema.
    store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: 'phase', data: { name: 'plan' } });
    const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
    db.prepare(`UPDATE events SET data_json = '{"name":"plan","goal":7,"step":"plan"}'`).run();
    const [row] = store.events('c0ffee01');
    expect(readEventData('phase', row.data_json)).toEqual({ name: 'plan' });
  });
});
