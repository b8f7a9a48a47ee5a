/**
 * `evolve report` as a command: where it writes, how it replaces a page, and that bad input (an unknown run or
 * database, an output it cannot write) is one line with exit 2 and no file. Plus what the page holds when the run
 * has a judge's metrics and objective, and that every text a candidate wrote is escaped.
 */
import { execFile } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { TEXT_CAP } from '../../src/report/details.ts';
import { buildReport, defaultReportName } from '../../src/report/report.ts';
import { ROOT } from '../lineage/cli-helpers.ts';
import { buildSampleStore, RUN_A, RUN_A_SPECS, RUN_B, tempDir, track } from '../lineage/fixtures.ts';

function report(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'evolve.mjs'), 'report', ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The sample database (runs A and B), closed so that the CLI reads it as a user would. */
function sampleDb(): string {
  const { store, path } = buildSampleStore();
  store.close();
  return path;
}

const nodes = (html: string) => [...html.matchAll(/<a href="#c-[^"]+" class="([^"]*)" data-id="([^"]+)" data-status="([^"]+)"/g)];

describe('evolve report: where the page goes', () => {
  it('writes evolve-report-<run>.html in the current directory for the latest run', async () => {
    const db = sampleDb();
    const cwd = tempDir();
    const out = await report(['--db', db], cwd);
    expect(out.code, out.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([defaultReportName(RUN_B)]);
    expect(defaultReportName(RUN_B)).toBe(`evolve-report-${RUN_B}.html`);
    expect(out.stderr).toBe(`evolve: wrote evolve-report-${RUN_B}.html (run ${RUN_B}, 2 candidates, ${Math.max(1, Math.round(readFileSync(join(cwd, defaultReportName(RUN_B))).length / 1024))} KB)\n`);
    expect(out.stdout).toBe('');
  });

  it('writes to stdout with -o -, and nothing to the directory', async () => {
    const db = sampleDb();
    const cwd = tempDir();
    const out = await report(['--db', db, '--run', RUN_A, '-o', '-'], cwd);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(nodes(out.stdout).map((m) => [m[2], m[3]])).toEqual(RUN_A_SPECS.map((s) => [s.id, s.status]));
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('replaces an existing page atomically: a new file renamed over it, no temporary file left', async () => {
    const db = sampleDb();
    const cwd = tempDir();
    writeFileSync(join(cwd, 'page.html'), 'the old page');
    // A second name for the old file: an in-place rewrite would change it too; a rename leaves it whole.
    linkSync(join(cwd, 'page.html'), join(cwd, 'held-by-a-reader.html'));
    const out = await report(['--db', db, '--run', RUN_A, '-o', 'page.html'], cwd);
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'page.html'), 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    expect(readFileSync(join(cwd, 'held-by-a-reader.html'), 'utf8')).toBe('the old page');
    expect(readdirSync(cwd).sort()).toEqual(['held-by-a-reader.html', 'page.html']);
  });
});

describe('evolve report: bad input is one line, exit 2, and no file', () => {
  const cases: [string, (db: string, cwd: string) => string[], RegExp][] = [
    ['an unknown run', (db) => ['--db', db, '--run', '20990101-000000-zzzz'], /^evolve: no run 20990101-000000-zzzz in .*lineage\.db \(runs: .*\)\n$/],
    ['a database that is not there', (_db, cwd) => ['--db', join(cwd, 'nope.db')], /^evolve: .*nope\.db: no such file \(no lineage database here; pass --db <file>\)\n$/],
    ['a file that is not a database', (_db, cwd) => {
      writeFileSync(join(cwd, 'notes.db'), 'not sqlite at all, just notes');
      return ['--db', join(cwd, 'notes.db')];
    }, /^evolve: .*notes\.db is not an SQLite database \(left untouched\)\n$/],
    ['an output directory that does not exist', (db, cwd) => ['--db', db, '-o', join(cwd, 'missing', 'r.html')], /^evolve: cannot write .*missing\/r\.html: directory .*missing does not exist\n$/],
    ['an output that is a directory', (db, cwd) => {
      mkdirSync(join(cwd, 'out'));
      return ['--db', db, '-o', 'out'];
    }, /^evolve: out is a directory: give -o a file name\n$/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const db = sampleDb();
    const cwd = tempDir();
    const given = args(db, cwd);
    const before = readdirSync(cwd).sort();
    const out = await report(given, cwd);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe('');
    expect(readdirSync(cwd).sort()).toEqual(before);
    if (given.includes('out')) expect(readdirSync(join(cwd, 'out'))).toEqual([]);
  });
});

describe('the page', () => {
  it('escapes every text a candidate wrote: goal, reason, summary, plan, branch', async () => {
    const dir = tempDir();
    const path = join(dir, 'lineage.db');
    const store = track(openStore(path));
    const markup = `<script>alert("x")</script><img src=x onerror=alert(1)> & 'q' </details></pre></svg>`;
    store.createRun({ id: RUN_A, target: dir, config: { model: `m<b>"` } });
    store.addCandidate({ id: '5eed0000', runId: RUN_A, generation: 0, parentId: null, branch: null, baseCommit: null, goal: markup, status: 'passed' });
    store.addCandidate({ id: 'a1000001', runId: RUN_A, generation: 1, parentId: '5eed0000', branch: `evolve/x"><script>1</script>`, baseCommit: null, goal: markup });
    store.updateCandidate('a1000001', { status: 'failed', error: markup, agent_summary: markup, plan: markup, score: 0.5 });
    store.finishRun(RUN_A, 'done', markup);
    store.close();
    const { html } = await buildReport(path, (s) => s.getRun(RUN_A)!);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img|<b>|<\/details><\/pre>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;q&#39;');
    expect(html).toContain('evolve/x&quot;&gt;&lt;script&gt;1&lt;/script&gt;');
    // Nothing to load from anywhere: no URL in the page but its own anchors (and the SVG namespace, a name).
    const urls = [...html.matchAll(/\b(?:href|src|action)\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(urls.every((u) => u.startsWith('#c-'))).toBe(true);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\/|\/\/[a-z]/i);
  });

  it('charts the objective metric, lists each candidate\'s metrics, and names the objective, when the run has a judge', async () => {
    const dir = tempDir();
    const path = join(dir, 'lineage.db');
    const { store } = buildSampleStore(dir);
    store.close();
    const sql = new Database(path);
    const config = JSON.parse(sql.prepare('SELECT config_json FROM runs WHERE id = ?').pluck().get(RUN_A) as string);
    sql.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify({ ...config, objective: { metric: 'latency_ms', goal: 'min' } }), RUN_A);
    sql.exec('CREATE TABLE IF NOT EXISTS metrics (run_id TEXT, candidate_id TEXT, name TEXT, value REAL)');
    const insert = sql.prepare('INSERT INTO metrics (run_id, candidate_id, name, value) VALUES (?, ?, ?, ?)');
    const latency: Record<string, number> = { '5eed0000': 120, a1000001: 95, a3000003: 101, b1000001: 80, b3000003: 88 };
    for (const [id, v] of Object.entries(latency)) {
      insert.run(RUN_A, id, 'latency_ms', v);
      insert.run(RUN_A, id, 'memory_mb', 40);
    }
    sql.close();
    const { html } = await buildReport(path, (s) => s.getRun(RUN_A)!);
    expect(html).toContain('<h2>Latency_ms per generation</h2>');
    expect(html).toContain('(the run\'s objective, lower is better)');
    expect([...html.matchAll(/<circle class="dot /g)]).toHaveLength(Object.keys(latency).length);
    expect(html).toMatch(/<dt>objective<\/dt><dd>latency_ms \(min\)<\/dd>/);
    expect(html).toContain('<tr class="objective"><th>latency_ms</th><td>80</td></tr><tr><th>memory_mb</th><td>40</td></tr>');
  });

  it('is whole for a run that has no candidates yet, and cuts a very long text a candidate wrote', async () => {
    const dir = tempDir();
    const path = join(dir, 'lineage.db');
    const store = track(openStore(path));
    store.createRun({ id: RUN_A, target: dir, config: {} });
    store.createRun({ id: RUN_B, target: dir, config: {} });
    store.addCandidate({ id: '5eed0000', runId: RUN_B, generation: 0, parentId: null, branch: null, baseCommit: null, goal: 'seed' });
    store.updateCandidate('5eed0000', { agent_summary: 'x'.repeat(TEXT_CAP + 500) });
    store.close();
    const empty = (await buildReport(path, (s) => s.getRun(RUN_A)!)).html;
    expect(empty).toContain('No candidate has a score yet.');
    expect(empty).toContain('No candidates yet.');
    expect(empty).toMatch(/<\/html>\n$/);
    const long = (await buildReport(path, (s) => s.getRun(RUN_B)!)).html;
    expect(long).toContain(`${'x'.repeat(TEXT_CAP)}<span class="note"> … (cut at 8,000 of 8,500 characters: <code>evolve show 5eed0000</code> prints all of it)</span>`);
    expect(long).not.toContain('x'.repeat(TEXT_CAP + 1));
    expect(nodes(long).map((m) => m[3])).toEqual(['pending']);
  });

  it('charts the score when the run has no metrics (a run without a judge)', async () => {
    const db = sampleDb();
    const { html } = await buildReport(db, (s) => s.getRun(RUN_A)!);
    expect(new Database(db, { readonly: true }).prepare(`SELECT count(*) FROM metrics`).pluck().get()).toBe(0);
    expect(html).toContain('<h2>Score per generation</h2>');
    expect([...html.matchAll(/<circle class="dot /g)]).toHaveLength(RUN_A_SPECS.filter((s) => s.score !== undefined).length);
    // The fixture's commits are not commits: each candidate says why its diff is missing, the page is still whole.
    expect(html).toContain('Diff not shown: the recorded commits are not commit ids.');
    expect(nodes(html).filter((m) => m[1].split(' ').includes('best')).map((m) => m[2])).toEqual(['b1000001']);
  });
});
