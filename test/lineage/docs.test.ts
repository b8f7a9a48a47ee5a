import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../src/lineage/store.ts';
import { EVENT_KINDS } from '../../src/lineage/schema.ts';
import { addSpecs, buildSampleStore, RUN_A, RUN_A_SPECS, RUN_B, RUN_B_SPECS, tempDir, track } from './fixtures.ts';
import { evolveInProcess, ROOT } from './cli-helpers.ts';

/** docs/lineage.md: everything it claims is checked against the real thing here. */
const DOC = readFileSync(join(ROOT, 'docs', 'lineage.md'), 'utf8');

/** `sqlite3 lineage.db "…"` commands of the Example queries section, with the sentence introducing each. */
function exampleQueries(): { title: string; command: string; sql: string }[] {
  const section = DOC.slice(DOC.indexOf('## Example queries'));
  const found: { title: string; command: string; sql: string }[] = [];
  const pattern = /\n([^\n`][^\n]*):\n\n```sh\n(sqlite3 lineage\.db "([^"]+)")\n```/g;
  for (const m of section.matchAll(pattern)) found.push({ title: m[1], command: m[2], sql: m[3] });
  return found;
}

/** Run B (older, failed) and run A (the latest) with model calls and tool calls recorded as the runner would. */
function docStore(): string {
  const path = join(tempDir(), 'lineage.db');
  const store = track(openStore(path));
  store.createRun({ id: RUN_B, target: '/repo/b', config: {}, startedAt: '2025-12-31T00:00:00.000Z' });
  addSpecs(store, RUN_B, RUN_B_SPECS);
  store.createRun({ id: RUN_A, target: '/repo/a', config: {}, startedAt: '2026-01-01T00:00:00.000Z' });
  addSpecs(store, RUN_A, RUN_A_SPECS);
  for (const candidateId of ['a1000001', 'a1000001', 'b1000001']) {
    store.recordModelCall({
      runId: RUN_A, candidateId, model: 'claude-x', inputTokens: 100, outputTokens: 10, cacheReadTokens: 0,
      cacheWriteTokens: 0, costUsd: 0.5,
    });
  }
  store.appendEvent({ runId: RUN_A, candidateId: 'b1000001', kind: 'tool_call', data: { tool: 'bash', ok: true, ms: 3, summary: 'ls', source: 'agent' } });
  store.appendEvent({ runId: RUN_A, candidateId: 'b1000001', kind: 'tool_call', data: { tool: 'bash', ok: false, ms: 9, summary: 'npm tset', source: 'agent' } });
  store.close();
  return path;
}

describe('docs/lineage.md', () => {
  it('shows the tree exactly as evolve lineage prints it', async () => {
    const { store, path } = buildSampleStore();
    store.close();
    const r = await evolveInProcess(['lineage', '--db', path, '--run', RUN_A]);
    const block = DOC.match(/```\n(run 20260101-000000-aaaa[\s\S]*?)```/)![1];
    expect(r.stdout).toBe(block);
  });

  it('documents every event kind, and no other', () => {
    const section = DOC.slice(DOC.indexOf('## Event kinds')).split(/^#{1,3} (?!Event kinds)/m)[0];
    const documented = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...EVENT_KINDS]);
  });

  it('names every column of every table in that table\'s paragraph', () => {
    const store = track(openStore(join(tempDir(), 'lineage.db')));
    store.close();
    const db = new Database(store.path, { readonly: true });
    for (const table of ['runs', 'candidates', 'metrics', 'events', 'transcripts']) {
      const paragraph = DOC.slice(DOC.indexOf(`**${table}** —`)).split('\n\n')[0];
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
      for (const column of columns) expect(paragraph, `${table}.${column}`).toContain(`\`${column}\``);
    }
    db.close();
  });

  it('has example queries that run and answer what they say', () => {
    const queries = exampleQueries();
    expect(queries.length).toBeGreaterThanOrEqual(5);
    const db = new Database(docStore(), { readonly: true });
    const run = (i: number) => db.prepare(queries[i].sql.replace(/3f2a9c1e/g, 'b1000001')).all() as Record<string, unknown>[];
    const titled = (i: number, title: RegExp) => expect(queries[i].title).toMatch(title);

    titled(0, /best candidate of the latest run/);
    expect(run(0)).toMatchObject([{ id: 'b1000001', generation: 2, score: 0.9 }]);
    titled(1, /ancestry, seed first/);
    expect(run(1).map((r) => r.id)).toEqual(['5eed0000', 'a1000001', 'b1000001']);
    titled(2, /Survivors per generation/);
    expect(run(2)).toEqual([
      { generation: 0, candidates: 1, survivors: 1, survivor_ids: '5eed0000' },
      { generation: 1, candidates: 3, survivors: 2, survivor_ids: 'a1000001 a3000003' },
      { generation: 2, candidates: 3, survivors: 1, survivor_ids: 'b1000001' },
    ]);
    titled(3, /Cost and tokens per generation/);
    expect(run(3)).toMatchObject([
      { generation: 0, usd: 0, calls: 0 },
      { generation: 1, usd: 1.6, calls: 2, prompt_tokens: 6200 },
      { generation: 2, usd: 0.63, calls: 1 },
    ]);
    titled(4, /Failed candidates and why/);
    expect(run(4).map((r) => [r.id, r.status, r.error])).toEqual([
      ['a2000002', 'failed', 'tests failed: 3 of 40'],
      ['b2000002', 'rejected', 'empty diff'],
      ['5eedbbbb', 'failed', 'seed tests fail'],
      ['c1000001', 'error', 'git commit failed: disk full'],
    ]);
    titled(5, /Cost of every run/);
    expect(run(5)).toMatchObject([{ id: RUN_B, candidates: 2, usd: 0 }, { id: RUN_A, candidates: 7, usd: 2.23 }]);
    titled(6, /per model/);
    expect(run(6)).toEqual([{ model: 'claude-x', calls: 3, prompt_tokens: 300, usd: 1.5 }]);
    titled(7, /Tool calls that failed/);
    expect(run(7)).toEqual([{ candidate_id: 'b1000001', tool: 'bash', summary: 'npm tset' }]);
    titled(8, /timeline of one candidate/);
    expect(run(8).map((r) => r.kind)).toEqual(['model_call', 'tool_call', 'tool_call']);
    db.close();
  });

  it('has a best-candidate query that agrees with evolve lineage when the seed outscores every child (a real run)', async () => {
    // The seed has no diff to pay for: with all its tests passing it scores 100, and children ~98 (the demo).
    const path = join(tempDir(), 'lineage.db');
    const store = track(openStore(path));
    store.createRun({ id: RUN_A, target: '/repo/a', config: {} });
    addSpecs(store, RUN_A, RUN_A_SPECS.map((s) => ({ ...s, score: s.id === '5eed0000' ? 100 : s.score })));
    store.close();
    const db = new Database(path, { readonly: true });
    const best = db.prepare(exampleQueries()[0].sql).all() as { id: string }[];
    db.close();
    const lineage = await evolveInProcess(['lineage', '--db', path, '--json']);
    expect(best.map((r) => r.id)).toEqual([JSON.parse(lineage.stdout).best]);
    expect(best[0].id).toBe('b1000001');
  });

  it('has token queries that count cached prompt tokens (with caching, input_tokens alone is often 0)', () => {
    const path = join(tempDir(), 'lineage.db');
    const store = track(openStore(path));
    store.createRun({ id: RUN_A, target: '/repo/a', config: {} });
    addSpecs(store, RUN_A, RUN_A_SPECS.slice(0, 2));
    store.recordModelCall({ runId: RUN_A, candidateId: 'a1000001', model: 'claude-x', inputTokens: 0, outputTokens: 10,
      cacheReadTokens: 2000, cacheWriteTokens: 150, costUsd: 0.01 });
    store.close();
    const db = new Database(path, { readonly: true });
    const queries = exampleQueries();
    expect(db.prepare(queries[3].sql).all()).toContainEqual(expect.objectContaining({ generation: 1, prompt_tokens: 1000 + 2150, cache_reads: 2000 }));
    expect(db.prepare(queries[6].sql).all()).toEqual([expect.objectContaining({ model: 'claude-x', prompt_tokens: 2150 })]);
    db.close();
  });

  const hasSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;
  it.skipIf(!hasSqlite3)('has example commands that work as written in a shell with the sqlite3 CLI', () => {
    const path = docStore();
    for (const { command } of exampleQueries()) {
      const out = execFileSync('bash', ['-c', command.replace(/3f2a9c1e/g, 'b1000001')], {
        cwd: join(path, '..'), encoding: 'utf8',
      });
      expect(out.trim().length, command).toBeGreaterThan(0);
    }
  });
});
