import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../src/lineage/store.ts';
import { tempDir, tickingClock, track } from './fixtures.ts';
import { sampleEvent } from './event-samples.ts';

const RUN = '20260101-120000-abcd';

function freshStore() {
  const path = join(tempDir(), 'lineage.db');
  const store = track(openStore(path, { now: tickingClock() }));
  store.createRun({ id: RUN, target: '/repo', config: { test: 'npm test' } });
  store.addCandidate({ id: '5eed0001', runId: RUN, generation: 0, parentId: null, branch: null, baseCommit: null });
  store.addCandidate({
    id: 'c0ffee01', runId: RUN, generation: 1, parentId: '5eed0001', branch: `evolve/${RUN}/g1-c0ffee01`,
    baseCommit: 'abc123', goal: 'speed up',
  });
  return { store, path };
}

describe('writers', () => {
  it('creates runs and candidates with defaults and timestamps', () => {
    const { store } = freshStore();
    expect(store.getRun(RUN)).toMatchObject({
      status: 'running', target: '/repo', config_json: '{"test":"npm test"}', finished_at: null,
      started_at: '2026-01-01T00:00:01.000Z',
    });
    expect(store.getCandidate('c0ffee01')).toMatchObject({
      run_id: RUN, generation: 1, parent_id: '5eed0001', status: 'pending', step: 'pending', survived: 0,
      input_tokens: 0, cost_usd: 0, model_calls: 0, goal: 'speed up', base_commit: 'abc123', attempts: 0,
      started_at: '2026-01-01T00:00:03.000Z',
    });
  });

  it('updates any candidate column, turning booleans into 0/1, and refuses identity or unknown columns', () => {
    const { store } = freshStore();
    const row = store.updateCandidate('c0ffee01', {
      status: 'passed', step: 'evaluated', build_ok: 1, tests_passed: 40, tests_failed: 0, score: 0.75,
      diff_added: 10, diff_removed: 2, commit_sha: 'def456', agent_success: true as unknown as number,
    });
    expect(row).toMatchObject({ status: 'passed', step: 'evaluated', score: 0.75, commit_sha: 'def456', agent_success: 1 });
    expect(() => store.updateCandidate('c0ffee01', { run_id: 'x' } as never)).toThrow(/run_id is not a patchable/);
    expect(() => store.updateCandidate('c0ffee01', { 'x; DROP TABLE runs': 1 } as never)).toThrow(/not a patchable/);
    expect(() => store.updateCandidate('nope', { score: 1 })).toThrow(/no candidate nope/);
    expect(() => store.updateCandidate('c0ffee01', { status: 'bogus' as never })).toThrow(/CHECK constraint/);
  });

  it('sets and finishes run status', () => {
    const { store } = freshStore();
    store.finishRun(RUN, 'stopped', 'budget');
    expect(store.getRun(RUN)).toMatchObject({ status: 'stopped', stop_reason: 'budget' });
    expect(store.getRun(RUN)!.finished_at).not.toBeNull();
    store.setRunStatus(RUN, 'running');
    expect(store.getRun(RUN)).toMatchObject({ status: 'running', stop_reason: null, finished_at: null });
    expect(() => store.finishRun('nope', 'done')).toThrow(/no run nope/);
    expect(() => store.setRunStatus('nope', 'done')).toThrow(/no run nope/);
  });

  it('appends events of known kinds only', () => {
    const { store } = freshStore();
    const call = { tool: 'bash', ok: true, ms: 12, summary: 'ls', source: 'agent' } as const;
    const id = store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: 'tool_call', data: call });
    const runLevel = store.appendEvent({ runId: RUN, candidateId: null, kind: 'run_started', data: sampleEvent('run_started') });
    expect(runLevel).toBeGreaterThan(id);
    expect(store.events('c0ffee01')).toMatchObject([{ id, kind: 'tool_call', data_json: '{"tool":"bash","ok":true,"ms":12,"summary":"ls","source":"agent"}' }]);
    expect(() => store.appendEvent({ runId: RUN, candidateId: null, kind: 'nonsense' as never })).toThrow(/unknown event kind/);
    expect(() => store.appendEvent({ runId: 'nope', candidateId: null, kind: 'error', data: { message: 'x' } })).toThrow(/FOREIGN KEY/);
  });

  it('records model calls: candidate totals and a model_call event together', () => {
    const { store } = freshStore();
    const call = {
      runId: RUN, candidateId: 'c0ffee01', model: 'claude-x', inputTokens: 1000, outputTokens: 200,
      cacheReadTokens: 50, cacheWriteTokens: 10, costUsd: 0.0125,
    };
    store.recordModelCall(call);
    store.recordModelCall({ ...call, inputTokens: 500, costUsd: 0.005, stopReason: 'end_turn' });
    expect(store.getCandidate('c0ffee01')).toMatchObject({
      input_tokens: 1500, output_tokens: 400, cache_read_tokens: 100, cache_write_tokens: 20, model_calls: 2,
    });
    expect(store.getCandidate('c0ffee01')!.cost_usd).toBeCloseTo(0.0175);
    const events = store.events('c0ffee01');
    expect(events.map((e) => e.kind)).toEqual(['model_call', 'model_call']);
    expect(JSON.parse(events[1].data_json)).toEqual({
      model: 'claude-x', input_tokens: 500, output_tokens: 200, cache_read_tokens: 50, cache_write_tokens: 10,
      cost_usd: 0.005, stop_reason: 'end_turn',
    });
  });

  it('writes nothing of a model call for an unknown candidate', () => {
    const { store } = freshStore();
    expect(() => store.recordModelCall({
      runId: RUN, candidateId: 'missing1', model: 'm', inputTokens: 1, outputTokens: 1, cacheReadTokens: 0,
      cacheWriteTokens: 0, costUsd: 1,
    })).toThrow(/no candidate missing1/);
    expect(store.runEvents(RUN)).toEqual([]);
  });

  it('refuses usage that would corrupt the totals', () => {
    const { store } = freshStore();
    const call = {
      runId: RUN, candidateId: 'c0ffee01', model: 'm', inputTokens: 1, outputTokens: 1, cacheReadTokens: 0,
      cacheWriteTokens: 0, costUsd: 0.1,
    };
    expect(() => store.recordModelCall({ ...call, costUsd: Number.NaN })).toThrow(/costUsd must be a finite number/);
    expect(() => store.recordModelCall({ ...call, inputTokens: -5 })).toThrow(/inputTokens must be/);
    expect(store.getCandidate('c0ffee01')).toMatchObject({ model_calls: 0, cost_usd: 0 });
  });

  it('stores transcripts gzip-compressed and reads them back', () => {
    const { store, path } = freshStore();
    const request = { model: 'claude-x', messages: [{ role: 'user', content: 'hi '.repeat(1000) }] };
    const response = { content: [{ type: 'text', text: 'hello' }], usage: { input_tokens: 3, output_tokens: 1 } };
    store.addTranscript({ runId: RUN, candidateId: 'c0ffee01', request, response });
    store.addTranscript({ runId: RUN, candidateId: 'c0ffee01', request, response: null });
    const back = store.transcripts('c0ffee01');
    expect(back).toMatchObject([{ request, response }, { request, response: null }]);
    const raw = new Database(path, { readonly: true });
    const blob = raw.prepare('SELECT request_gz FROM transcripts LIMIT 1').pluck().get() as Buffer;
    raw.close();
    expect([blob[0], blob[1]]).toEqual([0x1f, 0x8b]);
    expect(blob.length).toBeLessThan(JSON.stringify(request).length / 10);
  });

  it('rolls a transaction back as a whole, and joins writes made inside it', () => {
    const { store } = freshStore();
    expect(() => store.transaction(() => {
      store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: 'phase', data: { name: 'plan' } });
      store.updateCandidate('c0ffee01', { phase: 'plan' });
      throw new Error('crash in the middle');
    })).toThrow('crash in the middle');
    expect(store.events('c0ffee01')).toEqual([]);
    expect(store.getCandidate('c0ffee01')!.phase).toBeNull();
    const n = store.transaction(() => {
      store.appendEvent({ runId: RUN, candidateId: 'c0ffee01', kind: 'phase', data: { name: 'plan' } });
      return store.transaction(() => store.updateCandidate('c0ffee01', { phase: 'plan' }).phase);
    });
    expect(n).toBe('plan');
    expect(store.events('c0ffee01')).toHaveLength(1);
  });

  it('refuses every write when opened read-only, while reading fine', () => {
    const { store, path } = freshStore();
    store.close();
    const reader = track(openStore(path, { readonly: true }));
    expect(reader.getCandidate('c0ffee01')?.goal).toBe('speed up');
    expect(() => reader.appendEvent({ runId: RUN, candidateId: null, kind: 'error', data: { message: 'x' } })).toThrow(/read-only/);
    expect(() => reader.createRun({ id: 'x', target: '/', config: {} })).toThrow(/read-only/);
    expect(() => reader.transaction(() => 1)).toThrow(/read-only/);
  });
});
