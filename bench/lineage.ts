/**
 * The lineage store at the size of a very long campaign: 10,000 candidates with 100 events each (1M events) in a
 * 1,000-generation run. Prints JSON figures against the targets of issue 19 (campaign scale): ancestry at depth
 * 1,000 ≤ 1 ms (the path of ids, what `evolve show` and the TUI use; full rows are printed beside it), tree load
 * ≤ 30 ms (the outlines the views draw; full rows for JSON beside it), one candidate's events ≤ 0.5 ms, one event written as it happens ≤ 0.2 ms, the file ≤ 100 MB, and a real
 * `evolve lineage` process printing the tree as text ≤ 0.3 s; insert ≤ 10 s (issue 2). Each figure says `met`.
 * Usage: npm run bench -- lineage [--candidates N] [--batch <candidates per transaction>] [--keep <dir>] [--no-processes]
 *    or: node --import tsx bench/lineage.ts [same options]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore, type LineageStore } from '../src/lineage/store.ts';
import { renderTreeLines } from '../src/lineage/render.ts';
import { sampleEvent } from '../test/lineage/event-samples.ts';

const RUN = '20260101-000000-be4c';
const PER_GENERATION = 10;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Median and 95th percentile wall time of `runs` calls (after warm-up), and the median CPU time of this process per
 * call: on a shared machine the wall time includes waiting for a core, the CPU time does not.
 */
function timeIt(runs: number, fn: () => unknown, warmUp = 3): { median_ms: number; p95_ms: number; cpu_median_ms: number } {
  for (let i = 0; i < warmUp; i++) fn();
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    times.push(ms(start));
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    median_ms: round(times[Math.floor(runs / 2)]), p95_ms: round(times[Math.floor(runs * 0.95)]),
    cpu_median_ms: round(cpus[Math.floor(runs / 2)]),
  };
}

/**
 * The wall time of a command's process and the CPU time it used: the CPU time of this process's finished children
 * (/proc/self/stat cutime + cstime, in clock ticks of 10 ms), which a loaded machine does not inflate like the wall.
 */
function timeProcess(runs: number, argv: string[]): { median_ms: number; cpu_median_ms: number } {
  const childCpuMs = () => {
    const f = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  };
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const cpu = childCpuMs();
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, argv, { maxBuffer: 1 << 28 });
    if (i === 0) continue; // warm-up: the file cache
    walls.push(ms(start));
    cpus.push(childCpuMs() - cpu);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { median_ms: Math.round(median(walls)), cpu_median_ms: median(cpus) };
}

const idOf = (n: number) => (0x10000000 + n).toString(16);

/** One candidate's life as the runner records it: 100 events, 40 of them metered model calls. */
function recordCandidate(store: LineageStore, n: number, parentId: string | null, generation: number): void {
  const id = idOf(n);
  store.addCandidate({
    id, runId: RUN, generation, parentId, branch: parentId ? `evolve/${RUN}/g${generation}-${id}` : null,
    baseCommit: parentId ? 'a'.repeat(40) : null, goal: `Improve module ${n % 97}: make the retry loop observable`,
  });
  const event = (kind: Parameters<LineageStore['appendEvent']>[0]['kind'], data: Record<string, unknown>) =>
    store.appendEvent({ runId: RUN, candidateId: id, kind, data });
  if (parentId) event('forked', sampleEvent('forked', { parent_id: parentId, branch: `evolve/${RUN}/g${generation}-${id}` }));
  event('agent_started', sampleEvent('agent_started', { command: 'node --import tsx src/agent/main.ts' }));
  for (const name of ['decide', 'plan', 'modify', 'self-check']) event('phase', { name });
  for (let i = 0; i < 40; i++) {
    store.recordModelCall({
      runId: RUN, candidateId: id, model: 'claude-sonnet-4-5', inputTokens: 12_000 + i, outputTokens: 800,
      cacheReadTokens: 10_000, cacheWriteTokens: 500, costUsd: 0.0123,
    });
    event('tool_call', { tool: i % 2 ? 'bash' : 'str_replace_based_edit_tool', ok: true, ms: 40 + i, summary: `npx vitest run test/unit-${i}.test.ts`, source: 'agent' });
  }
  for (let i = 0; i < 10; i++) event('tool_call', { tool: 'bash', ok: i !== 3, ms: 12, summary: `grep -rn retry src/${i}`, source: 'agent' });
  event('agent_finished', sampleEvent('agent_finished', { summary: 'Made the retry loop observable.' }));
  event('committed', sampleEvent('committed'));
  event('built', sampleEvent('built', { ms: 3_200 }));
  event('tested', sampleEvent('tested', { passed: 120, ms: 8_100 }));
  event('scored', sampleEvent('scored', { score: (n % 1000) / 1000 }));
  store.updateCandidate(id, {
    status: 'passed', step: 'evaluated', build_ok: 1, tests_passed: 120, tests_failed: 0, diff_added: n % 300,
    diff_removed: n % 50, score: (n % 1000) / 1000, survived: n % PER_GENERATION === 1 ? 1 : 0,
    finished_at: new Date().toISOString(),
  });
  event('selected', sampleEvent('selected', { generation, rank: 1 + (n % PER_GENERATION), score: (n % 1000) / 1000 }));
}

export default function bench(args: string[]): Record<string, unknown> {
  const arg = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const total = Number(arg('--candidates') ?? 10_000);
  const keep = arg('--keep');
  const batch = Number(arg('--batch') ?? 10);
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'evolve-bench-'));
  const path = join(dir, 'lineage.db');
  try {
    const store = openStore(path);
    store.createRun({ id: RUN, target: '/repo', config: { population: PER_GENERATION, generations: 1000 } });

    // Generation g's candidates all descend from generation g-1's first one: depth 1,000 at 10,000 candidates.
    const insertStart = process.hrtime.bigint();
    const insertCpu = process.cpuUsage();
    let deepest = idOf(0);
    for (let first = 0; first < total; first += batch) {
      store.transaction(() => {
        for (let n = first; n < Math.min(first + batch, total); n++) {
          const generation = Math.ceil(n / PER_GENERATION);
          const parent = n === 0 ? null : generation === 1 ? idOf(0) : idOf((generation - 2) * PER_GENERATION + 1);
          recordCandidate(store, n, parent, generation);
          if (n > 0 && (n - 1) % PER_GENERATION === 0) deepest = idOf(n);
        }
      });
    }
    const insertMs = ms(insertStart);
    const cpu = process.cpuUsage(insertCpu);
    const insertCpuMs = (cpu.user + cpu.system) / 1000;
    const depth = store.ancestry(deepest).length - 1;
    const events = (store as unknown as { db: { prepare(s: string): { pluck(): { get(): number } } } }).db
      .prepare('SELECT count(*) FROM event_rows').pluck().get(); // the stored rows: the view would rebuild each one

    // The runner's real pattern: one IMMEDIATE transaction per event / per model call.
    const target = idOf(total - 1);
    const append = timeIt(2_000, () => store.appendEvent({ runId: RUN, candidateId: target, kind: 'phase', data: { name: 'x' } }));
    const modelCall = timeIt(1_000, () => store.recordModelCall({
      runId: RUN, candidateId: target, model: 'm', inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0,
    }));
    const walBytes = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    const stored = (store as unknown as { db: { prepare(s: string): { pluck(): { get(): number } } } }).db
      .prepare('SELECT count(*) FROM event_rows').pluck().get(); // with the appends just timed
    store.close();

    // Reads as evolve lineage/show/watch do them: a read-only connection.
    const reader = openStore(path, { readonly: true });
    const ancestry = timeIt(200, () => reader.ancestry(deepest));
    const ancestryIds = timeIt(200, () => reader.ancestryIds(deepest));
    const tree = timeIt(20, () => reader.tree(RUN));
    const outlineTree = timeIt(20, () => reader.outlineTree(RUN));
    const treeText = timeIt(10, () => renderTreeLines(reader.outlineTree(RUN), null).join('\n'));
    const oneCandidate = idOf(Math.floor(total / 2));
    const candidateEvents = timeIt(200, () => reader.events(oneCandidate));
    const eventCount = reader.events(oneCandidate).length;
    const stats = timeIt(20, () => reader.generationStats(RUN));
    const best = timeIt(50, () => reader.bestLineage(RUN));
    reader.close();

    // The whole command as users run it: a process start, the bundle (or tsx), the read and the text.
    const bin = join(import.meta.dirname, '..', 'bin', 'evolve.mjs');
    const processes = !args.includes('--no-processes');
    const lineageCommand = processes ? timeProcess(3, [bin, 'lineage', '--db', path]) : null;
    const helpCommand = processes ? timeProcess(3, [bin, '--help']) : null;

    const size = statSync(path).size;
    const met = (figure: number, target: number) => ({ target, met: figure <= target });
    return {
      candidates: total,
      events,
      insert: {
        total_s: Math.round(insertMs) / 1000, cpu_s: Math.round(insertCpuMs) / 1000, target_s: 10,
        per_event_us: Math.round((insertMs * 1000) / events), transactions: Math.ceil(total / batch),
        candidates_per_transaction: batch,
      },
      append_event_own_transaction: { ...append, ...met(append.median_ms, 0.2) },
      record_model_call_own_transaction: modelCall,
      ancestry_ids: { depth, ...ancestryIds, ...met(ancestryIds.median_ms, 1) },
      ancestry_full_rows: ancestry,
      tree_load: { candidates: total, ...outlineTree, ...met(outlineTree.median_ms, 30), what: 'the outlines the views draw (evolve lineage, evolve watch)' },
      tree_load_full_rows: { ...tree, what: 'every column (evolve lineage --json, export)' },
      tree_load_and_render_text: treeText,
      evolve_lineage_process: lineageCommand && {
        ...lineageCommand, ...met(lineageCommand.median_ms, 300), cpu_met: lineageCommand.cpu_median_ms <= 300,
        evolve_help_process_for_comparison: helpCommand,
      },
      candidate_events: { events: eventCount, ...candidateEvents, ...met(candidateEvents.median_ms, 0.5) },
      generation_stats: stats,
      best_lineage: best,
      file: {
        bytes: size, mb: Math.round(size / 1e5) / 10, bytes_per_event: Math.round(size / stored), events: stored,
        wal_bytes_before_close: walBytes, target_mb: 100, met: size <= 100e6,
      },
      machine: { node: process.version, cpus: availableParallelism(), load_average_1m: Math.round(loadavg()[0] * 100) / 100 },
    };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(bench(process.argv.slice(2)), null, 2) + '\n');
}
