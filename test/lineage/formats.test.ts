import { describe, expect, it } from 'vitest';
import { formatTranscripts } from '../../src/lineage/transcript-text.ts';
import { toDot, toMermaid, type LineageView } from '../../src/lineage/export.ts';
import { eventLines, summarizeEventData } from '../../src/lineage/describe.ts';
import { buildTree } from '../../src/lineage/queries.ts';
import type { CandidateRow, RunRow } from '../../src/lineage/schema.ts';
import type { Transcript } from '../../src/lineage/types.ts';

const at = '2026-01-01T00:00:00.000Z';
const t = (request: unknown, response: unknown): Transcript => ({ id: 1, runId: 'r', candidateId: 'c', at, request, response });

describe('compact transcripts', () => {
  it('prints only what each request adds to the conversation, and every response with its usage', () => {
    const first = [{ role: 'user', content: 'Improve the code' }];
    const reply = { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'bash', input: { command: 'ls' } }] };
    const second = [...first, reply, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', is_error: true, content: [{ type: 'text', text: 'ls: denied' }] }] }];
    const text = formatTranscripts([
      t({ model: 'm', system: [{ type: 'text', text: 'You evolve code.' }], messages: first },
        { ...reply, stop_reason: 'tool_use', usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 5, cache_creation_input_tokens: 1 } }),
      t({ model: 'm', system: [{ type: 'text', text: 'You evolve code.' }], messages: second },
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      t({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(1000) }] }, null),
    ]);
    expect(text).toBe([
      'transcript 1/3  2026-01-01T00:00:00.000Z  m',
      '  system: You evolve code.',
      '  user: Improve the code',
      '  assistant: tool_use bash {"command":"ls"}',
      '  usage: 10 in / 2 out, cache 5 read / 1 write, stop tool_use',
      'transcript 2/3  2026-01-01T00:00:00.000Z  m',
      '  user: tool_result (error) ls: denied',
      '  error: overloaded_error Overloaded',
      'transcript 3/3  2026-01-01T00:00:00.000Z  m',
      `  user: ${'x'.repeat(300)}… (700 more chars)`,
      '  (no response recorded)',
      '',
    ].join('\n'));
  });

  it('survives transcripts that are not what the Messages API sends', () => {
    const text = formatTranscripts([t('just a string', 42), t({ messages: [null, { role: 'user', content: [{ type: 'image' }] }] }, {})]);
    expect(text).toContain('transcript 1/2');
    expect(text).toContain('  response: 42');
    expect(text).toContain('  ? null');
    expect(text).toContain('  user: image');
    expect(formatTranscripts([])).toBe('no transcripts recorded\n');
  });
});

describe('event summaries', () => {
  it('prints data_json as key=value pairs, quoting strings with spaces', () => {
    expect(summarizeEventData('{"tool":"bash","ok":false,"summary":"npm test -- --run","terms":{"tests":1}}'))
      .toBe('tool=bash ok=false summary="npm test -- --run" terms={"tests":1}');
    expect(summarizeEventData('not json')).toBe('not json');
    expect(summarizeEventData('[1,2]')).toBe('[1,2]');
  });
});

describe('evolve show prints each event whole', () => {
  const event = (data: unknown, kind = 'tested') => ({ id: 1, run_id: 'r', candidate_id: 'c', at: '2026-12-02T10:00:00Z', kind, data_json: JSON.stringify(data) });

  it('keeps short values on the line and every line of a long one below it, wrapped, nothing cut', () => {
    const long = 'x'.repeat(250);
    const output = ['FAIL test/a.test.ts', `  ${long}`, 'No tests found, exiting with code 1', ...Array.from({ length: 50 }, (_, i) => `line ${i}`)].join('\n');
    const lines = eventLines(event({ ok: false, exit_code: 1, timed_out: false, ms: 900, output_tail: output }, 'built'), 100);
    expect(lines[0]).toBe('  2026-12-02T10:00:00Z  built            ok=false exit_code=1 timed_out=false ms=900');
    expect(lines[1]).toBe('      output_tail:');
    const body = lines.slice(2).map((l) => l.replace(/^ {8}\| ?/, ''));
    expect(body.join('')).toBe(output.replaceAll('\n', ''));
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(body).toContain('No tests found, exiting with code 1');
    expect(body).toContain('line 49');
  });

  it('prints a long reason whole, and data that is not an object', () => {
    const reason = `tests failed (1 failed, exit 1): EROFS: read-only file system, open '/w/node_modules/.vite-temp/vitest.config.mts.timestamp-1.mjs'`;
    expect(eventLines(event({ status: 'failed', reason })).join('\n').replace(/\n {8}\| /g, '')).toContain(reason);
    expect(eventLines(event([1, 2]))[0]).toContain('data=[1,2]');
    // Not the shape this evolve writes (an older evolve's row, or one written by hand): shown as recorded, and said.
    expect(eventLines(event({ status: 'failed', reason })).at(-1)).toMatch(/^ {6}\(not the shape this evolve writes: passed: Invalid input: expected number, received undefined;.*\)$/);
    // A test runner's colours are not kept as text.
    expect(eventLines(event({ output_tail: '\u001b[31mFAIL\u001b[39m test/a.test.ts\nnext line' }))).toContain('        | FAIL test/a.test.ts');
  });
});

describe('graph exports escape what a goal may contain', () => {
  const run: RunRow = {
    id: 'r1', started_at: at, finished_at: null, status: 'running', target: '/t', config_json: '{}', stop_reason: null,
  };
  const row = (id: string, parent: string | null, goal: string): CandidateRow => ({
    id, run_id: 'r1', generation: parent ? 1 : 0, parent_id: parent, branch: null, base_commit: null, commit_sha: null,
    goal, status: 'passed', build_ok: 1, tests_passed: 1, tests_failed: 0, diff_added: 1, diff_removed: 0, score: 1,
    survived: 1, input_tokens: 0, output_tokens: 0, cost_usd: 0, started_at: at, finished_at: at, error: null,
    step: 'evaluated', attempts: 0, phase: null, plan: null, agent_summary: null, agent_success: null,
    cache_read_tokens: 0, cache_write_tokens: 0, model_calls: 0, worker: null, stubs_added: null, duplicate_of: null, objective: null,
  });
  const rows = [row('aaaaaaaa', null, 'seed'), row('bbbbbbbb', 'aaaaaaaa', 'Quote "this" \\ and <that> & more\nsecond line')];
  const view: LineageView = { run, roots: buildTree(rows), stats: [], best: rows[1] };

  it('dot', () => {
    const dot = toDot(view);
    expect(dot).toContain('label="bbbbbbbb · g1\\npassed 1.000 +1/−0\\nQuote \\"this\\" \\\\ and <that> & more"');
    expect(dot).not.toContain('second line');
  });

  it('mermaid', () => {
    const mermaid = toMermaid(view);
    expect(mermaid).toContain('c_bbbbbbbb["bbbbbbbb · g1<br/>passed 1.000 +1/−0<br/>Quote #quot;this#quot; \\ and #lt;that#gt; #amp; more"]');
  });
});
