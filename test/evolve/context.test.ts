import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAttemptRecorded, parseContext, seedChildContext, siblingLessons } from '../../src/evolve/repo/context.ts';
import { tempDir } from './helpers.ts';

const now = new Date('2026-11-25T20:00:00Z');
const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'agent_context.json'), 'utf8'));
const entry = (action: string) => ({ timestamp: 't', action, result: 'success' as const, details: '' });

describe('agent_context.json, as the runner touches it', () => {
  it('seeds a child with its parent\'s memory plus one lesson per failed sibling', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'agent_context.json'), JSON.stringify({ goalState: 'g', history: [entry('parent')], extra: 1 }));
    const lessons = siblingLessons([{ id: 'abcd1234', goal: 'speed up', error: 'tests failed (2 failed, exit 1)', status: 'failed' }], now);
    const ctx = await seedChildContext(dir, 'seed goal', lessons);
    expect(ctx.history).toHaveLength(2);
    expect(read(dir)).toMatchObject({ goalState: 'g', extra: 1, history: [{ action: 'parent' }, { result: 'failure', recordedBy: 'runner', candidate: 'abcd1234' }] });
    expect(read(dir).history[1].action).toContain('speed up');
    expect(read(dir).history[1].details).toContain('tests failed');
  });

  it('creates the file from the seed goal when the target has none', async () => {
    const dir = tempDir();
    await seedChildContext(dir, 'make it faster', []);
    expect(read(dir)).toEqual({ goalState: 'make it faster', history: [] });
  });

  it('leaves an agent\'s own entry alone, and appends the failure when the agent wrote none or broke the file', async () => {
    const dir = tempDir();
    const before = parseContext(JSON.stringify({ goalState: 'g', history: [entry('old')] }));
    writeFileSync(path.join(dir, 'agent_context.json'), JSON.stringify({ goalState: 'g', history: [entry('old'), entry('mine')] }));
    expect(await ensureAttemptRecorded(dir, before, { success: true, goal: 'x', details: '' }, now)).toBe(false);
    for (const content of [JSON.stringify(before), '{"history": {}}', 'not json', JSON.stringify({ goalState: 'g', history: [] })]) {
      writeFileSync(path.join(dir, 'agent_context.json'), content);
      expect(await ensureAttemptRecorded(dir, before, { success: false, goal: 'try', details: 'agent: exited with 3' }, now)).toBe(true);
      expect(read(dir).history).toEqual([entry('old'), expect.objectContaining({ action: 'try', result: 'failure', details: 'agent: exited with 3', recordedBy: 'runner' })]);
    }
  });

  // The runner parses this file on the event loop that also serves every candidate's model calls, and a child
  // inherits it: a candidate leaving 50 MB of "memory" stalled the proxy for each of its descendants.
  it('treats a context file past its size cap as unreadable, and writes back a small one', async () => {
    const dir = tempDir();
    const before = { goalState: 'g', history: [entry('parent')] };
    const huge = { goalState: 'g', history: [entry('parent'), ...Array.from({ length: 60_000 }, (_, i) => entry(`padding ${i} ${'x'.repeat(100)}`))] };
    writeFileSync(path.join(dir, 'agent_context.json'), JSON.stringify(huge));
    expect(await ensureAttemptRecorded(dir, before, { success: true, goal: 'grow', details: '' }, now)).toBe(true);
    expect(read(dir).history).toHaveLength(2);
    writeFileSync(path.join(dir, 'agent_context.json'), JSON.stringify(huge));
    expect((await seedChildContext(dir, 'seed goal', [])).history).toHaveLength(0);
  });
});
