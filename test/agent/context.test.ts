import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextCorrupt, entry, historyDigest, loadContext, saveContext } from '../../src/agent/context.ts';
import { CONTEXT_FILE } from '../../src/agent/protocol.ts';

const dir = () => mkdtemp(join(tmpdir(), 'evolve-context-'));

describe('agent_context.json', () => {
  it('is created with the seed goal when absent', async () => {
    const d = await dir();
    const context = await loadContext(d, 'make it faster');
    expect(context).toEqual({ goalState: 'make it faster', history: [] });
    expect(JSON.parse(await readFile(join(d, CONTEXT_FILE), 'utf8'))).toEqual(context);
  });

  it('keeps extra fields when read and written back', async () => {
    const d = await dir();
    await writeFile(join(d, CONTEXT_FILE), JSON.stringify({ goalState: 'g', history: [{ ...entry('x', true, 'd'), sibling: 'abc' }], note: 1 }));
    const context = await loadContext(d, 'seed');
    context.history.push(entry('y', false, 'e'));
    await saveContext(d, context);
    const saved = JSON.parse(await readFile(join(d, CONTEXT_FILE), 'utf8'));
    expect(saved.note).toBe(1);
    expect(saved.history[0].sibling).toBe('abc');
    expect(saved.history[1]).toMatchObject({ action: 'y', result: 'failure', details: 'e' });
  });

  it.each([
    ['not JSON', '{"goalState": "g", "history": [', /not valid JSON/],
    ['wrong shape', JSON.stringify({ goal: 'g' }), /does not match contract 3/],
    ['bad result value', JSON.stringify({ goalState: 'g', history: [{ timestamp: 't', action: 'a', result: 'maybe', details: '' }] }), /history/],
  ])('a corrupt file (%s) is a clear failure and is left byte for byte', async (_name, text, message) => {
    const d = await dir();
    await writeFile(join(d, CONTEXT_FILE), text);
    await expect(loadContext(d, 'seed')).rejects.toThrow(ContextCorrupt);
    await expect(loadContext(d, 'seed')).rejects.toThrow(message);
    expect(await readFile(join(d, CONTEXT_FILE), 'utf8')).toBe(text);
  });

  it('digests the history for the model, newest last, capped', () => {
    const history = Array.from({ length: 40 }, (_, i) => entry(`step${i}`, i % 2 === 0, `details ${i}`));
    const digest = historyDigest({ goalState: 'g', history }, 30);
    expect(digest.split('\n')[0]).toBe('(10 older entries omitted)');
    expect(digest).toContain('step39 [failure]: details 39');
    expect(historyDigest({ goalState: 'g', history: [] })).toMatch(/first attempt/);
  });
});
