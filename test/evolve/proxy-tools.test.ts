/**
 * What the proxy sees of the built-in agent's work matches what the agent reports itself: every tool the model asked
 * for becomes a `tool_call` event with source "proxy" once its result comes back in the next request, beside the
 * agent's own report (source "agent") of the same call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { demoModel } from '../../src/demo/model.ts';
import { createSampleRepo } from '../../src/demo/sample-repo.ts';
import { startStandin } from '../../src/standin/index.ts';
import { evolve } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-proxy-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the built-in agent\'s tool calls, seen from the proxy, are the ones it reports', async () => {
  const repo = path.join(dir, 'textkit');
  createSampleRepo(repo);
  const standin = await startStandin({ script: demoModel() });
  try {
    const db = path.join(dir, 'lineage.db');
    const run = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, ...(process.env.EVOLVE_TEST_UNSAFE ? ['--unsafe-no-sandbox'] : [])],
      { ANTHROPIC_API_KEY: 'sk-ant-upstream-key', ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);
    const sql = new Database(db, { readonly: true });
    const calls = (sql.prepare("SELECT data_json FROM events WHERE kind = 'tool_call' AND candidate_id IS NOT NULL ORDER BY id").pluck().all() as string[])
      .map((d) => JSON.parse(d) as { tool: string; ok: boolean; source: string; summary: string });
    sql.close();
    const bySource = (source: string) => calls.filter((c) => c.source === source);
    const agentTools = new Set(bySource('agent').map((c) => c.tool));
    const seen = bySource('proxy').filter((c) => agentTools.has(c.tool));
    expect(seen.length).toBeGreaterThan(0);
    // Each tool call of the model's tools that the agent reported was seen by the proxy too, with the same outcome.
    for (const tool of agentTools) {
      if (tool.startsWith('self_check')) continue;
      const reported = bySource('agent').filter((c) => c.tool === tool).map((c) => c.ok);
      expect(bySource('proxy').filter((c) => c.tool === tool).map((c) => c.ok), tool).toEqual(reported);
    }
  } finally {
    await standin.close();
  }
}, 180_000);
