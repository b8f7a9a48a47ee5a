/**
 * The live view reads events and runs.config_json through their schemas (src/lineage/events, run-config.ts): a
 * database an older evolve wrote still draws, a field it lacks or holds with another type shown as unknown.
 */
import { describe, expect, it } from 'vitest';
import { applyEvents, emptyDigest } from '../../src/tui/activity.ts';
import { parseRunConfig } from '../../src/tui/config.ts';
import type { EventRow } from '../../src/lineage/schema.ts';

let id = 0;
const row = (kind: string, data: string, candidate_id: string | null = 'a1b2c3d4'): EventRow =>
  ({ id: ++id, run_id: 'r', candidate_id, at: '2026-11-25T20:05:01.000Z', kind, data_json: data });

describe('the live view on an older database', () => {
  it('shows what old event rows hold and leaves out what they do not', () => {
    const d = applyEvents(emptyDigest(), [
      row('tool_call', '{"tool":"bash","ok":1,"ms":"12","summary":"ls"}'),
      row('built', '{"ok":true}'),
      row('tested', '{"tests_passed":40,"tests_failed":2}'),
      row('selected', '{"generation":1,"survivors":["a1b2c3d4","b5e6f708"]}', null),
      row('run_finished', '{"status":"stopped","stop_reason":"budget"}', null),
      row('error', '{"error":"disk full"}', null),
    ]);
    expect(d.byCandidate.get('a1b2c3d4')).toMatchObject({
      toolCalls: [{ tool: 'bash', ok: null, ms: null, summary: 'ls' }], build: { ok: true, ms: null }, tests: { passed: null, failed: null, ok: null },
    });
    expect(d.log.map((l) => l.text)).toEqual([
      '20:05:01  generation 1: selected', '20:05:01  run stopped', '20:05:01  error',
    ]);
  });

  it('reads the header\'s fields from an old or odd config_json, each one that is ill-typed as unknown', () => {
    expect(parseRunConfig('{"population":"3","generations":3,"model":42,"budgetUsd":5,"sandbox":"none","objective":{"metric":"ops"}}'))
      .toEqual({ generations: 3, budgetUsd: 5, standin: false, unsafeNoSandbox: true });
    expect(parseRunConfig('{"judge":{"given":"node bench.js"},"objective":null,"budgetUsd":null}'))
      .toEqual({ standin: false, unsafeNoSandbox: false, objective: { metric: null, goal: 'max' } });
    expect(parseRunConfig('not json')).toEqual({ standin: false, unsafeNoSandbox: false });
  });
});
