import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { freezeConfig } from '../../src/evolve/config.ts';
import { estimateLines } from '../../src/evolve/preflight.ts';
import { resolvePrices } from '../../src/evolve/proxy/prices.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (budgetUsd: number) => freezeConfig({
  population: 3, generations: 5, strategy: 'top-k', model: 'claude-sonnet-5', budgetUsd, candidateBudgetUsd: 2,
  maxTurns: 40, candidateTimeout: 600, buildTimeout: 600, testTimeout: 600, test: 'npm test', seedGoal: '',
  protectedPaths: [], weights: {}, unsafeNoSandbox: false,
}, null, 1);

test('without history the estimate states its bound and that the typical figure is a default guess', () => {
  const lines = estimateLines(path.join(dir, 'none.db'), config(10), resolvePrices());
  expect(lines[0]).toMatch(/^15 candidates \(3 × 5 generations\); cost at most \$10\.00, typically about \$[\d.]+ .*default guess/);
});

test('with earlier runs of the same model, the typical candidate comes from them, and a short budget is called out', () => {
  const db = path.join(dir, 'history.db');
  const store = openStore(db);
  store.createRun({ id: '20260101-000000-aaaa', target: '/repo', config: { model: 'claude-sonnet-5' } });
  store.addCandidate({ id: 'aaaa0000', runId: '20260101-000000-aaaa', generation: 0, parentId: null, branch: null, baseCommit: 'x' });
  for (let i = 1; i <= 4; i++) {
    const id = `bbbb000${i}`;
    store.addCandidate({ id, runId: '20260101-000000-aaaa', generation: 1, parentId: 'aaaa0000', branch: `b${i}`, baseCommit: 'x' });
    store.recordModelCall({ runId: '20260101-000000-aaaa', candidateId: id, model: 'claude-sonnet-5', inputTokens: 100_000,
      outputTokens: 50_000, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.7 });
    store.updateCandidate(id, { finished_at: '2026-01-01T00:01:00.000Z', status: 'passed' });
  }
  store.close();
  const lines = estimateLines(db, config(2), resolvePrices());
  expect(lines[0]).toMatch(/from 4 earlier candidates in lineage\.db/);
  expect(lines.join('\n')).toMatch(/runs out during generation \d of 5/);
});

test('an estimate for --agent claude-code learns only from earlier Claude Code runs, and says its default guess is low', () => {
  const db = path.join(dir, 'history.db');
  const claude = { ...config(10), agent: 'claude-code' };
  const lines = estimateLines(db, claude, resolvePrices());
  expect(lines[0]).toMatch(/default guess/);
  expect(lines.at(-1)).toMatch(/^the default guess is the built-in agent's: Claude Code sends about 29K tokens/);
  const store = openStore(db);
  store.createRun({ id: '20260102-000000-cccc', target: '/repo', config: { model: 'claude-sonnet-5', agent: 'claude-code' } });
  store.addCandidate({ id: 'cccc0000', runId: '20260102-000000-cccc', generation: 0, parentId: null, branch: null, baseCommit: 'x' });
  store.addCandidate({ id: 'cccc0001', runId: '20260102-000000-cccc', generation: 1, parentId: 'cccc0000', branch: 'c1', baseCommit: 'x' });
  store.recordModelCall({ runId: '20260102-000000-cccc', candidateId: 'cccc0001', model: 'claude-sonnet-5', inputTokens: 0,
    outputTokens: 2_000, cacheReadTokens: 600_000, cacheWriteTokens: 30_000, costUsd: 0.3 });
  store.updateCandidate('cccc0001', { finished_at: '2026-01-02T00:01:00.000Z', status: 'passed' });
  store.close();
  const learned = estimateLines(db, claude, resolvePrices());
  expect(learned[0]).toMatch(/from 1 earlier candidate in lineage\.db/);
  expect(learned.join('\n')).not.toMatch(/default guess/);
});
