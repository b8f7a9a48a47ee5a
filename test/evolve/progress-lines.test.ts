/** Without the TUI, progress is plain lines on stderr: one per event, each starting with `evolve:`. */
import { expect, it } from 'vitest';
import { PlainProgress } from '../../src/evolve/observer.ts';

it('keeps a multi-line agent summary or error message on the event\'s one line', () => {
  let out = '';
  const progress = new PlainProgress((t) => { out += t; });
  progress.event({ kind: 'agent_finished', candidateId: 'a49b5e31', generation: 1, data: { ok: true, summary: 'Added slugify with a test.\nSelf-check: passed.' } });
  progress.event({ kind: 'error', candidateId: 'a49b5e31', generation: 1, data: { message: 'git commit failed:\n  fatal: disk full\n' } });
  expect(out).toBe(
    'evolve: g1 a49b5e31 agent_finished: Added slugify with a test. Self-check: passed.\n' +
    'evolve: g1 a49b5e31 error: git commit failed: fatal: disk full\n');
});
