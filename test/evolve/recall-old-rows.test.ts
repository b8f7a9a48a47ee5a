/**
 * --resume reads what earlier candidates recorded through the events' schemas (src/lineage/events): a database an
 * older evolve wrote, whose rows lack a field or hold it with another type, still resumes, with the fallbacks.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { DEFAULT_WEIGHTS } from '../../src/evolve/judge/score.ts';
import { parentInfoOf, resumePlan } from '../../src/evolve/recall.ts';
import { sampleEvent } from '../lineage/event-samples.ts';
import { tempDir, track } from '../lineage/fixtures.ts';

const RUN = 'r1';

function store() {
  const s = track(openStore(join(tempDir(), 'lineage.db')));
  s.createRun({ id: RUN, target: '/repo', config: {} });
  s.addCandidate({ id: 'seed0000', runId: RUN, generation: 0, parentId: null, branch: null, baseCommit: 'a'.repeat(40), commitSha: 'a'.repeat(40), status: 'passed', step: 'selected' });
  s.updateCandidate('seed0000', { tests_passed: 12, tests_failed: 0 });
  s.addCandidate({ id: 'c0000001', runId: RUN, generation: 1, parentId: 'seed0000', branch: 'evolve/r1/g1-c0000001', baseCommit: 'a'.repeat(40), status: 'running', step: 'agent_done' });
  return s;
}

/** Rewrites one event's data_json as an older evolve (or a hand) wrote it: below the store's API, like a migration would leave it. */
function rewrite(s: ReturnType<typeof store>, id: number, data: object) {
  (s as unknown as { db: import('better-sqlite3').Database }).db.prepare('UPDATE events SET data_json = ? WHERE id = ?').run(JSON.stringify(data), id);
}

const ctx = (s: ReturnType<typeof store>) => ({ store: s, config: { weights: DEFAULT_WEIGHTS }, clock: { now: () => new Date() } }) as never;

describe('resume reads rows an older evolve wrote', () => {
  it('takes how a parent\'s tests were counted from its tested event, and falls back when the row does not say', () => {
    const s = store();
    const id = s.appendEvent({ runId: RUN, candidateId: 'seed0000', kind: 'tested', data: sampleEvent('tested', { source: 'jest', via: 'report' }) });
    expect(parentInfoOf(ctx(s), s.candidates(RUN), 'seed0000', null).measure).toMatchObject({ tests: 12, source: 'jest', via: 'report' });
    rewrite(s, id, { passed: 12, failed: 0, parser: 'jest', via: 3 });
    expect(parentInfoOf(ctx(s), s.candidates(RUN), 'seed0000', null).measure).toMatchObject({ tests: 12, source: 'exit-code', via: 'stdout' });
  });

  it('picks up a child whose agent finished from its agent_finished event, whatever fields that row lacks', () => {
    const s = store();
    const id = s.appendEvent({ runId: RUN, candidateId: 'c0000001', kind: 'agent_finished', data: sampleEvent('agent_finished', { ok: false, reason: 'agent: timed out' }) });
    expect(resumePlan(ctx(s), s.candidates(RUN), s.getCandidate('c0000001')!, null).resume?.agent).toEqual({ ok: false, reason: 'agent: timed out', goal: null });
    rewrite(s, id, { exit_code: 0, success: true, timed_out: false });
    expect(resumePlan(ctx(s), s.candidates(RUN), s.getCandidate('c0000001')!, null).resume?.agent).toEqual({ ok: false, reason: null, goal: null });
  });
});
