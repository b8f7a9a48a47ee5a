/**
 * The report of a real finished run, opened in a real browser: Debian's headless Chromium (`.ci/run` installs it),
 * driven by playwright-core. The run is made by the real runner, jail, proxy and git with the stand-in model,
 * labelled as such (as `evolve demo` does); one candidate's goal is hostile markup. Everything asserted is read
 * from the DOM the browser built, and the browser's own request log must hold the page and nothing else.
 * A missing Chromium fails these tests (no skip): the launch throws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/agent/protocol.ts';
import { RunOptions } from '../../src/evolve/config.ts';
import { launchRun } from '../../src/evolve/launch.ts';
import { openStore } from '../../src/lineage/store.ts';
import { buildReport } from '../../src/report/report.ts';
import { startStandin } from '../../src/standin/index.ts';
import { evolve, ROOT } from '../lineage/cli-helpers.ts';
import { tempDir } from '../evolve/helpers.ts';
import { emptyPlan, failingPlan, makeToyRepo, passingPlan, planScript, type Plan } from '../evolve/toy.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

const HOSTILE_GOAL = `<script>window.__pwned = 1</script><img src="pwned.png" onerror="window.__pwned = 2"> & "break" </details> things`;
const LABEL = 'stand-in (scripted test model; not a real Claude model)';

interface Row { id: string; parent_id: string | null; status: string; survived: number; generation: number; goal: string | null; score: number | null }

let browser: Browser;
let page: Page;
let rows: Row[];
let runId: string;
let bestId: string;
let bestPath: string[];
const requests: string[] = [];
const problems: string[] = [];
let fileUrl: string;

/**
 * Plans by model call (one call per candidate, one candidate at a time): generation 1 passes, fails with the hostile
 * goal, changes nothing; generation 2 passes twice (two survivors, so generation 3 branches) and fails once;
 * generation 3 passes, changes nothing, passes.
 */
const PLANS: ((n: number) => Plan)[] = [
  passingPlan, (n) => ({ ...failingPlan(n), goal: HOSTILE_GOAL }), emptyPlan,
  passingPlan, passingPlan, failingPlan,
  passingPlan, emptyPlan, passingPlan,
];
const plan = (i: number): Plan => PLANS[i % PLANS.length](i);

beforeAll(async () => {
  const repo = makeToyRepo();
  const db = path.join(tempDir('evolve-report-'), 'lineage.db');
  const standin = await startStandin({ script: planScript(plan) });
  try {
    const summary = await launchRun({ ...RunOptions.parse({
      population: 3, generations: 3, target: repo, db, strategy: 'top-k', model: DEFAULT_MODEL, budgetUsd: 5,
      candidateBudgetUsd: 1, maxTurns: 5, candidateTimeout: 120, buildTimeout: 60, testTimeout: 60,
      seedGoal: 'Grow the toy with small tested features.', protectedPaths: [], weights: {}, seed: 7,
      unsafeNoSandbox: !!process.env.EVOLVE_TEST_UNSAFE, concurrency: 1,
    }), standin: LABEL }, { apiKey: 'standin-test-not-a-real-key', baseUrl: standin.url });
    expect(summary.status).toBe('done');
  } finally {
    await standin.close();
  }
  const sql = new Database(db, { readonly: true });
  runId = (sql.prepare('SELECT id FROM runs').pluck().get() as string);
  rows = sql.prepare('SELECT id, parent_id, status, survived, generation, goal, score FROM candidates ORDER BY id').all() as Row[];
  sql.close();

  const out = path.join(tempDir('evolve-report-out-'), 'report.html');
  const made = await evolve(['report', '--db', db, '-o', out]);
  expect(made.code, made.stderr).toBe(0);
  expect(made.stderr).toMatch(new RegExp(`^evolve: wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(run ${runId}, 10 candidates, \\d+ KB\\)\\n$`));
  const json = JSON.parse((await evolve(['lineage', '--db', db, '--json'])).stdout) as { best: string };
  bestId = json.best;
  const parentOf = new Map(rows.map((r) => [r.id, r.parent_id]));
  bestPath = [];
  for (let id: string | null | undefined = bestId; id; id = parentOf.get(id)) bestPath.unshift(id);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  context.on('request', (r) => requests.push(r.url()));
  page = await context.newPage();
  page.on('websocket', (w) => requests.push(w.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  fileUrl = pathToFileURL(out).href;
  await page.goto(fileUrl, { waitUntil: 'load' });
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

describe('evolve report of a real run, in headless Chromium', () => {
  it('draws one tree node per candidate, with its status and survival', async () => {
    const nodes = await page.$$eval('svg.lineage [data-id]', (els) => els.map((e) => ({
      id: e.getAttribute('data-id'), status: e.getAttribute('data-status'), survived: Number(e.getAttribute('data-survived')),
      colour: getComputedStyle(e.querySelector('circle:not(.best-ring)')!).fill,
    })));
    expect(rows).toHaveLength(10);
    expect(nodes.map(({ id, status, survived }) => ({ id, status, survived })).sort((a, b) => a.id!.localeCompare(b.id!)))
      .toEqual(rows.map(({ id, status, survived }) => ({ id, status, survived })));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['passed', 'failed', 'rejected']));
    // Coloured by status: one colour per status, different statuses different colours.
    const colourOf = new Map(nodes.map((n) => [n.status, n.colour]));
    for (const n of nodes) expect(n.colour).toBe(colourOf.get(n.status));
    expect(new Set(colourOf.values()).size).toBe(colourOf.size);
  });

  it('marks the best candidate and highlights the path to it', async () => {
    expect(bestId).toMatch(/^[0-9a-f]{8}$/);
    const best = await page.$$eval('svg.lineage [data-best="1"]', (els) => els.map((e) => ({
      id: e.getAttribute('data-id'), cls: e.getAttribute('class'), ring: !!e.querySelector('.best-ring'),
    })));
    expect(best).toEqual([{ id: bestId, cls: expect.stringContaining('best'), ring: true }]);
    expect(bestPath.length).toBeGreaterThan(1);
    expect(bestPath[bestPath.length - 1]).toBe(bestId);
    const onPath = await page.$$eval('svg.lineage [data-best-path="1"]', (els) => els.map((e) => e.getAttribute('data-id')));
    expect(onPath.sort()).toEqual([...bestPath].sort());
    expect(await page.locator('svg.lineage path.best-path').count()).toBe(1);
    expect(await page.locator('header').innerText()).toContain(`best\n${bestId}`);
  });

  it('shows a goal with markup as text: no script of its own runs, no element of its own exists', async () => {
    const hostile = rows.find((r) => r.goal === HOSTILE_GOAL);
    expect(hostile, 'the hostile goal is recorded').toBeDefined();
    const goalText = await page.locator(`#c-${hostile!.id} .body .text`).first().textContent();
    expect(goalText).toBe(HOSTILE_GOAL);
    // The list line shows the goal's first 90 characters, as text too.
    expect(await page.locator(`#c-${hostile!.id} summary .goal`).textContent()).toBe(`${HOSTILE_GOAL.slice(0, 89)}…`);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.scripts.length)).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('details.candidate').count()).toBe(rows.length);
  });

  it('holds every candidate: verdict, counts, cost, the real diff from git, the agent summary', async () => {
    const passed = rows.find((r) => r.status === 'passed' && r.generation > 0)!;
    await page.locator(`#c-${passed.id} > summary`).click();
    const body = await page.locator(`#c-${passed.id} .body`).innerText();
    expect(body).toMatch(/tests\s+[2-9] passed, 0 failed/);
    expect(body).toMatch(/diff\s+\+\d+ \/ −0 lines/);
    expect(body).toMatch(/cost\s+\$0\.\d{4}/);
    expect(body).toMatch(/agent summary\s+feature \d+ with a test/);
    expect(body).toMatch(/diff --git a\/lib\/f\d+\.mjs b\/lib\/f\d+\.mjs/);
    expect(body).toContain('+export const f');
    expect(body).not.toContain('agent_context.json');
    const failed = rows.find((r) => r.status === 'failed')!;
    await page.locator(`#c-${failed.id} > summary`).click();
    expect(await page.locator(`#c-${failed.id} .reason`).innerText()).toMatch(/tests failed/);
    const rejected = rows.find((r) => r.status === 'rejected')!;
    await page.locator(`#c-${rejected.id} > summary`).click();
    expect(await page.locator(`#c-${rejected.id} .body`).innerText()).toMatch(/empty diff/i);
    await page.goto(fileUrl, { waitUntil: 'load' });
  });

  it('charts the score of every scored candidate and the cost of every generation', async () => {
    expect(await page.locator('svg.chart.values circle.dot').count()).toBe(rows.filter((r) => r.score !== null).length);
    expect(await page.locator('svg.chart.values path.best-so-far').count()).toBe(1);
    expect(await page.locator('svg.chart.cost rect.bar').count()).toBe(4);
  });

  it('names the run, the model as a stand-in, and the totals in its header', async () => {
    const header = await page.locator('header').innerText();
    expect(header).toContain(`evolve run ${runId}`);
    expect(header).toContain(LABEL);
    expect(header).toMatch(new RegExp(`model\\s+${DEFAULT_MODEL} \\(stand-in\\)`));
    expect(header).toMatch(/candidates\s+10 in 4 generations: \d+ passed, \d+ survived/);
  });

  it('opens a candidate when its node is clicked (the page\'s own script runs under its CSP)', async () => {
    await page.locator(`svg.lineage [data-id="${bestId}"]`).click();
    await page.waitForFunction((id) => (document.getElementById(`c-${id}`) as HTMLDetailsElement | null)?.open === true, bestId);
    expect(await page.locator(`svg.lineage [data-id="${bestId}"]`).getAttribute('class')).toContain('selected');
    await page.goto(fileUrl, { waitUntil: 'load' });
  });

  // The screenshot is kept as an artifact under test-artifacts/ (git-ignored); EVOLVE_UPDATE_DOCS=1 also writes the
  // README's docs/report.png, so that a plain `npm test` never changes a tracked file.
  it('made no request but the page itself, and logged no error; its screenshot is kept', async () => {
    const artifacts = path.join(ROOT, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'report.png') });
    if (process.env.EVOLVE_UPDATE_DOCS === '1') await page.screenshot({ path: path.join(ROOT, 'docs', 'report.png') });
    expect([...new Set(requests)]).toEqual([fileUrl]);
    expect(problems).toEqual([]);
  });
});

describe('a 1,000-candidate report in the same browser', () => {
  it('draws every node at full size, each on its own spot, scrolling instead of shrinking', async () => {
    const dir = tempDir('evolve-report-big-');
    const db = path.join(dir, 'lineage.db');
    const store = openStore(db);
    store.createRun({ id: '20260101-000000-b1g0', target: dir, config: {} });
    const statuses = ['passed', 'failed', 'passed', 'rejected', 'passed'] as const;
    store.transaction(() => {
      for (let n = 0; n < 1000; n++) {
        const generation = Math.ceil(n / 10);
        const parent = n === 0 ? null : generation === 1 ? 0 : (generation - 2) * 10 + 1 + (n % 3);
        const id = (0x10000000 + n).toString(16);
        store.addCandidate({ id, runId: '20260101-000000-b1g0', generation, parentId: parent === null ? null : (0x10000000 + parent).toString(16), branch: null, baseCommit: null, goal: `goal ${n}` });
        store.updateCandidate(id, { status: statuses[n % 5], score: n / 10, survived: n === 0 || (n - 1) % 10 < 3 ? 1 : 0 });
      }
    });
    store.close();
    const out = path.join(dir, 'big.html');
    writeFileSync(out, (await buildReport(db, (s) => s.getRun('20260101-000000-b1g0')!)).html);
    const big = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await big.goto(pathToFileURL(out).href, { waitUntil: 'load' });
      const boxes = await big.$$eval('svg.lineage a.node > circle:not(.best-ring)', (els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2), w: r.width };
      }));
      expect(boxes).toHaveLength(1000);
      expect(Math.min(...boxes.map((b) => b.w))).toBeGreaterThanOrEqual(9);
      expect(new Set(boxes.map((b) => `${b.x},${b.y}`)).size).toBe(1000);
      // The tree keeps its size: its frame scrolls sideways.
      const frame = await big.$eval('#lineage .scroll', (e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      expect(frame.scroll).toBeGreaterThan(frame.client);
    } finally {
      await big.close();
    }
  });
});
