/**
 * Candidate text (goals, summaries, errors) shown by `evolve show` and `evolve lineage` on a terminal carries no
 * control characters: a model could otherwise write escape sequences that clear the screen, fake lines or set the
 * clipboard (OSC 52) when the user looks at its candidate. Piped output stays exact.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { evolveInProcess } from './cli-helpers.ts';
import { tempDir } from '../evolve/helpers.ts';

const EVIL = 'goal\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007\u001b[2J\u009b31m\rfake line';

function makeDb(): { db: string; id: string } {
  const db = path.join(tempDir(), 'lineage.db');
  const store = openStore(db);
  store.createRun({ id: '20260101-000000-abcd', target: '/tmp/x', config: {} });
  store.addCandidate({ id: '0123abcd', runId: '20260101-000000-abcd', generation: 0, parentId: null, branch: null, baseCommit: null, goal: EVIL, status: 'failed' });
  store.updateCandidate('0123abcd', { error: `agent: exited with 1 (${EVIL})`, agent_summary: EVIL });
  store.close();
  return { db, id: '0123abcd' };
}

const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
afterEach(() => {
  if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
  else delete (process.stdout as { isTTY?: boolean }).isTTY;
});
const setTTY = (value: boolean) => Object.defineProperty(process.stdout, 'isTTY', { value, configurable: true });
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('candidate text on a terminal', () => {
  it('evolve show and evolve lineage print no control characters to a terminal', async () => {
    const { db, id } = makeDb();
    setTTY(true);
    for (const args of [['show', id, '--db', db], ['lineage', '--db', db]]) {
      const out = await evolveInProcess(args);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toContain('goal');
      expect(out.stdout).not.toMatch(CONTROL);
    }
  });

  it('piped output stays exact', async () => {
    const { db, id } = makeDb();
    setTTY(false);
    const out = await evolveInProcess(['show', id, '--db', db]);
    expect(out.stdout).toContain(EVIL);
  });
});

describe('candidate text in the TUI', () => {
  it('tree, detail and activity text carry no control characters', async () => {
    const { truncate } = await import('../../src/tui/format.ts');
    const { applyEvents, emptyDigest } = await import('../../src/tui/activity.ts');
    expect(truncate(EVIL, 200)).not.toMatch(CONTROL);
    const digest = applyEvents(emptyDigest(), [
      { id: 1, run_id: 'r', candidate_id: 'c1', at: '2026-01-01T00:00:00.000Z', kind: 'error', data_json: JSON.stringify({ message: EVIL }) },
      { id: 2, run_id: 'r', candidate_id: 'c1', at: '2026-01-01T00:00:01.000Z', kind: 'tool_call', data_json: JSON.stringify({ tool: 'bash', ok: true, summary: EVIL }) },
    ] as never);
    expect(JSON.stringify(digest.log.map((l) => l.text))).toContain('goal');
    for (const line of digest.log) expect(line.text).not.toMatch(CONTROL);
    for (const a of digest.byCandidate.values()) for (const t of a.toolCalls) expect(t.summary).not.toMatch(CONTROL);
  });
});
