import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../src/lineage/store.ts';
import { buildChain, buildSampleStore, RUN_A, RUN_B, tempDir, track } from './fixtures.ts';
import { evolve, evolveInProcess, ROOT } from './cli-helpers.ts';

function sampleDb(): string {
  const { store, path } = buildSampleStore();
  store.addTranscript({
    runId: RUN_A, candidateId: 'a1000001',
    request: { model: 'claude-x', messages: [{ role: 'user', content: 'Improve the HTTP client' }] },
    response: {
      role: 'assistant', stop_reason: 'tool_use', usage: { input_tokens: 120, output_tokens: 30 },
      content: [{ type: 'text', text: 'Looking around.' }, { type: 'tool_use', id: 't1', name: 'bash', input: { command: 'ls src' } }],
    },
  });
  store.close();
  return path;
}

/** Exit 2, nothing on stdout, exactly one line on stderr. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^evolve: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
}

describe('evolve lineage', () => {
  it('prints the latest run by default and any run with --run, survivors and the best marked', async () => {
    const db = sampleDb();
    const latest = await evolveInProcess(['lineage', '--db', db]);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain(`run ${RUN_B}  failed (no candidate passed)`);
    expect(latest.stdout).toContain('no candidate passed');

    const a = await evolveInProcess(['lineage', '--db', db, '--run', RUN_A]);
    expect(a.code).toBe(0);
    const lines = a.stdout.split('\n');
    const line = (id: string) => lines.find((l) => l.includes(`${id} g`))!;
    expect(line('5eed0000')).toMatch(/^5eed0000 g0 +passed +0\.500 +\+0\/−0 +★ /);
    expect(line('a1000001')).toMatch(/^├─ a1000001 g1 +passed +0\.700 \+12\/−3 +★ +Add retries to the HTTP client$/);
    expect(line('b1000001')).toMatch(/^│  ├─ b1000001 g2 .*0\.900 \+8\/−2 +★◆ Back off exponentially$/);
    expect(line('b2000002')).toMatch(/^│  └─ b2000002 g2 +rejected +— .*Nothing at all  ✗ empty diff$/);
    expect(line('a2000002')).toMatch(/^├─ a2000002 g1 +failed .*✗ tests failed: 3 of 40$/);
    expect(line('a3000003')).toMatch(/^└─ a3000003 /);
    expect(line('b3000003')).toMatch(/^   └─ b3000003 .* {2}Invalidate the cache$/);
    expect(a.stdout).toContain('7 candidates in 3 generations');
    expect(a.stdout).toContain('best b1000001 (0.900)');
  });

  it('prints a run that has no candidates yet', async () => {
    const path = join(tempDir(), 'fresh.db');
    const store = track(openStore(path));
    store.createRun({ id: '20260109-000000-0000', target: '/repo', config: {} });
    store.close();
    const r = await evolveInProcess(['lineage', '--db', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 candidates in 0 generations  $0.0000  0 in (0 cache reads) / 0 out tokens  no candidate passed');
    expect(r.stdout).toContain('\n(no candidates yet)\n');
    const dot = await evolveInProcess(['export', '--format', 'dot', '--db', path]);
    expect(dot.stdout).toMatch(/^digraph lineage \{\n.*\n.*\n\}\n$/);
  });

  it('prints JSON with the run, stats, best and nested tree', async () => {
    const r = await evolveInProcess(['lineage', '--db', sampleDb(), '--run', RUN_A, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.run).toMatchObject({ id: RUN_A, status: 'done', config: { population: 3, generations: 2 } });
    expect(doc.best).toBe('b1000001');
    expect(doc.generations).toHaveLength(3);
    expect(doc.tree).toHaveLength(1);
    expect(doc.tree[0].id).toBe('5eed0000');
    expect(doc.tree[0].children.map((c: { id: string }) => c.id)).toEqual(['a1000001', 'a2000002', 'a3000003']);
    expect(doc.tree[0].children[0].children[0]).toMatchObject({ id: 'b1000001', score: 0.9, survived: 1 });
  });
});

describe('a 1,000-generation run', () => {
  function chainDb(): string {
    const path = join(tempDir(), 'chain.db');
    const store = openStore(path);
    buildChain(store, '20260105-000000-dddd', 1000);
    store.close();
    return path;
  }

  it('prints it as text and as JSON (too deep to indent)', async () => {
    const db = chainDb();
    const text = await evolveInProcess(['lineage', '--db', db]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n').filter((l) => / g\d+ /.test(l));
    expect(lines).toHaveLength(1001);
    // Guides stop growing past 16 levels: the deepest line keeps its last 15 after a '…', not 3,000 spaces.
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
    expect(lines.at(-1)).toMatch(/^…( {3}){15}└─ \w+ g1000 /);
    const json = await evolveInProcess(['lineage', '--db', db, '--json']);
    expect(json.code).toBe(0);
    let node = JSON.parse(json.stdout).tree[0];
    let depth = 1;
    while (node.children.length === 1) {
      node = node.children[0];
      depth++;
    }
    expect(depth).toBe(1001);
  });

  it('ends quietly when the reader of its output goes away (evolve lineage | head)', async () => {
    const db = chainDb();
    const child = spawn('node', ['bin/evolve.mjs', 'lineage', '--db', db], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('evolve show', () => {
  it('prints every recorded field and the events, by id or unambiguous prefix', async () => {
    const db = sampleDb();
    const r = await evolveInProcess(['show', 'a2', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`candidate a2000002  generation 1 of run ${RUN_A} (done)`);
    expect(r.stdout).toMatch(/status +failed {2}step pending {2}survived no/);
    expect(r.stdout).toMatch(/lineage +5eed0000 → a2000002/);
    expect(r.stdout).toMatch(/error +tests failed: 3 of 40/);
    expect(r.stdout).toMatch(/model +0 calls, 3,000 in \/ 900 out tokens/);
    expect(r.stdout).toMatch(/events \(2\)\n .* forked +parent_id=5eed0000 .*\n .* scored +status=failed score=0\.1 .*\n/);
    const best = await evolveInProcess(['show', 'b1000001', '--db', db]);
    expect(best.stdout).toContain('◆ best of the run');
  });

  it('prints the transcripts compactly with --transcript', async () => {
    const r = await evolveInProcess(['show', 'a1000001', '--db', sampleDb(), '--transcript']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\ntranscripts\ntranscript 1\/1  2026-01-01T\S+Z  claude-x\n/);
    expect(r.stdout).toContain([
      '  user: Improve the HTTP client',
      '  assistant: Looking around.',
      '  assistant: tool_use bash {"command":"ls src"}',
      '  usage: 120 in / 30 out, cache 0 read / 0 write, stop tool_use',
    ].join('\n'));
  });
});

describe('evolve export', () => {
  it('writes dot, mermaid and json', async () => {
    const db = sampleDb();
    const dot = await evolveInProcess(['export', '--format', 'dot', '--db', db, '--run', RUN_A]);
    expect(dot.stdout).toMatch(/^digraph lineage \{\n/);
    expect(dot.stdout).toContain('"a1000001" -> "b1000001";');
    expect(dot.stdout).toMatch(/"b1000001" \[label="b1000001 · g2\\npassed 0\.900 \+8\/−2\\nBack off exponentially".*peripheries=2/);
    expect(dot.stdout.match(/->/g)).toHaveLength(6);

    const mermaid = await evolveInProcess(['export', '--format', 'mermaid', '--db', db, '--run', RUN_A]);
    expect(mermaid.stdout).toMatch(/^flowchart TD\n/);
    expect(mermaid.stdout).toContain('c_5eed0000 --> c_a2000002');
    expect(mermaid.stdout).toContain('class c_b1000001 best');
    expect(mermaid.stdout).toContain('class c_a2000002 failed');

    const json = await evolveInProcess(['export', '--format', 'json', '--db', db]);
    expect(JSON.parse(json.stdout).run.id).toBe(RUN_B);
  });

  it('writes to a file with -o, fencing mermaid in Markdown', async () => {
    const db = sampleDb();
    const dir = tempDir();
    const md = join(dir, 'lineage.md');
    expect((await evolveInProcess(['export', '--format', 'mermaid', '--db', db, '-o', md])).stdout).toBe('');
    expect(readFileSync(md, 'utf8')).toMatch(/^```mermaid\nflowchart TD\n[\s\S]*```\n$/);
    const json = join(dir, 'lineage.json');
    await evolveInProcess(['export', '--format', 'json', '--db', db, '--run', RUN_A, '--output', json]);
    expect(JSON.parse(readFileSync(json, 'utf8')).best).toBe('b1000001');
  });
});

describe('bad input: one line, exit 2', () => {
  it('through the real entry: a missing file, a directory, a non-SQLite file, an unknown flag', async () => {
    const dir = tempDir();
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not a database');
    expectUsageError(await evolve(['lineage', '--db', join(dir, 'missing.db')]), /missing\.db: no such file/);
    expectUsageError(await evolve(['show', 'abcd1234', '--db', dir]), /is a directory/);
    expectUsageError(await evolve(['export', '--format', 'dot', '--db', notes]), /is not an SQLite database/);
    expect(readFileSync(notes, 'utf8')).toBe('not a database');
    expectUsageError(await evolve(['lineage', '--frobnicate']), /unknown option '--frobnicate'/);
  });

  it('empty databases, unknown runs and ids, bad formats, unwritable outputs', async () => {
    const dir = tempDir();
    const db = sampleDb();
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const noRuns = join(dir, 'noruns.db');
    track(openStore(noRuns)).close();
    expectUsageError(await evolveInProcess(['lineage', '--db', empty]), /empty\.db is empty: no runs recorded yet/);
    expectUsageError(await evolveInProcess(['lineage', '--db', noRuns]), /noruns\.db has no runs yet/);
    expectUsageError(await evolveInProcess(['export', '--format', 'json', '--db', noRuns]), /has no runs yet/);
    expectUsageError(await evolveInProcess(['lineage', '--db', db, '--run', 'nope']), /no run nope in .* \(runs: 20260101/);
    expectUsageError(await evolveInProcess(['show', 'deadbeef', '--db', db]), /no candidate deadbeef in /);
    expectUsageError(await evolveInProcess(['show', '5', '--db', db]), /"5" is not a candidate id/);
    expectUsageError(await evolveInProcess(['show', '5eed', '--db', db]), /candidate id 5eed is ambiguous \(5eed0000, 5eedbbbb, …\)/);
    expectUsageError(await evolveInProcess(['show', '../etc', '--db', db]), /"..\/etc" is not a candidate id/);
    expectUsageError(await evolveInProcess(['show', '--db', db]), /missing required argument 'candidate-id'/);
    expectUsageError(await evolveInProcess(['export', '--format', 'png', '--db', db]), /'png' is invalid\. Allowed choices are dot, mermaid, json/);
    expectUsageError(await evolveInProcess(['export', '--db', db]), /required option '--format <format>' not specified/);
    expectUsageError(
      await evolveInProcess(['export', '--format', 'dot', '--db', db, '-o', join(dir, 'no', 'such', 'dir.dot')]),
      new RegExp(`cannot write .*dir\\.dot: directory ${join(dir, 'no', 'such')} does not exist`),
    );
    expectUsageError(await evolveInProcess(['export', '--format', 'dot', '--db', db, '-o', dir]), new RegExp(`${dir} is a directory: give -o a file name`));
    const newer = join(dir, 'newer.db');
    track(openStore(newer)).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 999');
    raw.close();
    expectUsageError(await evolveInProcess(['lineage', '--db', newer]), /written by a newer evolve/);
  });

  it('has --help on every command', async () => {
    mkdirSync(join(tempDir(), 'x'));
    for (const command of ['lineage', 'show', 'export']) {
      const r = await evolveInProcess([command, '--help']);
      expect(r.code).toBe(0);
    }
    const r = await evolve(['show', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: evolve show \[options\] <candidate-id>/);
    expect(r.stdout).toContain('--transcript');
  });
});

describe('formatting helpers', () => {
  it('shortens a long lineage path to its two ends', async () => {
    const { lineagePath } = await import('../../src/lineage/describe.ts');
    expect(lineagePath(['a', 'b', 'c'])).toBe('a → b → c');
    const ids = Array.from({ length: 1001 }, (_, i) => `c${i}`);
    expect(lineagePath(ids)).toBe(
      'c0 → c1 → c2 → … 989 more … → c992 → c993 → c994 → c995 → c996 → c997 → c998 → c999 → c1000 (1000 generations)',
    );
  });
});
