/**
 * The TUI on a 1,000-candidate run (the synthetic lineage of test/tui/fixture.ts in a real lineage.db): the first
 * load, a poll, one frame rendered to a string (ink's renderToString), the next frame after a key press in a live
 * Ink app (ink-testing-library), and the process's memory. Prints JSON. Targets: ≤ 50 ms per frame, ≤ 150 MB.
 *   node --import tsx bench/tui.ts [candidates]
 * Wall times move with the machine's load, so CPU times (process.cpuUsage) and the load average are printed too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

process.env.NODE_ENV ??= 'production'; // as `evolve watch` runs it (see src/cli/watch.ts)
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mb = (bytes: number) => +(bytes / 2 ** 20).toFixed(1);
const memory = () => {
  gc();
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed) };
};

const [{ renderToString }, { render }, { createElement }, { App }, { Screen }, { loadLineage }, { screenModel },
  { openSource }, { bestCandidate }, { buildForest, flatten }, { initialView }, { writeSyntheticDb }] = await Promise.all([
  import('ink'), import('ink-testing-library'), import('react'), import('../src/tui/App.tsx'),
  import('../src/tui/components/Screen.tsx'), import('../src/tui/load.ts'), import('../src/tui/screen.ts'),
  import('../src/tui/source.ts'), import('../src/lineage/best.ts'), import('../src/tui/tree.ts'), import('../src/tui/view.ts'),
  import('../test/tui/fixture.ts'),
]);
const baseline = memory();

const n = Number(process.argv[2] ?? 1000);
const timed = (runs: number, f: (i: number) => void) => {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    f(i);
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall: summary(wall), cpu: summary(cpu) };
};
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => +s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2);
  return { median: at(0.5), p95: at(0.95) };
};

const dir = mkdtempSync(join(tmpdir(), 'evolve-tui-bench-'));
try {
  const path = join(dir, 'lineage.db');
  const runId = writeSyntheticDb(path, n);
  const source = openSource(path);

  // The first load reads every event; a poll afterwards reads the candidates and only the new events.
  let data = loadLineage(source, runId, null, Date.now());
  const firstLoadMs = timed(1, () => { data = loadLineage(source, runId, null, Date.now()); }).wall.median;
  const poll = timed(20, () => source.read(runId, data.digest.lastEventId));

  // A live app: press j (every 50th key G, a jump to the end) and wait for the next frame, 200 times.
  // This is the interactive frame: a re-render of the mounted view.
  const app = render(createElement(App, { source, runId, onQuit: () => {}, width: 120, height: 40, colors: true, pollMs: 60_000 }));
  const wall: number[] = [];
  for (let i = 0; i < 200; i++) {
    const before = app.frames.length;
    const t = performance.now();
    app.stdin.write(i % 50 === 49 ? 'G' : 'j');
    while (app.frames.length === before) await new Promise((r) => setImmediate(r));
    wall.push(performance.now() - t);
  }
  app.unmount();
  const afterLiveApp = memory();

  // One frame as after a poll: rebuild the tree, lay out the screen (details open every other frame), render it.
  let lines = 0;
  const frame = timed(40, (i) => {
    const rows = flatten(buildForest(data.candidates), new Set());
    const view = { ...initialView(), selectedId: rows[(i * 97) % rows.length].id, detailOpen: i % 2 === 0 };
    const best = bestCandidate(data.candidates);
    const model = screenModel(data, view, rows, best, { columns: 120, rows: 40 }, 0);
    const out = renderToString(createElement(Screen, {
      model, log: data.digest.log, selectedId: view.selectedId, bestId: best?.id ?? null, frame: i, follow: false,
      confirmingStop: false, notice: null, colors: true,
    }), { columns: 120 });
    lines = out.split('\n').length;
  });

  source.close();
  const after = memory();
  const watchProcess = await measureWatchProcess(path);
  console.log(JSON.stringify({
    candidates: n,
    terminal: '120x40',
    loadAverage: +loadavg()[0].toFixed(2),
    firstLoadMs: +firstLoadMs.toFixed(2),
    pollMs: poll,
    renderFrameMs: frame,
    renderedLines: lines,
    keyToFrameMs: summary(wall),
    memory: { baseline, afterLiveApp, afterFrames: after, peakRssMb: mb(process.resourceUsage().maxRSS * 1024) },
    watchProcess,
    targets: {
      frameMs: 50, rssMb: 150, judgedOn: 'median frame times; RSS of a real `evolve watch` process (this bench runs under tsx, which costs ~60 MB more)',
      frameMet: frame.wall.median <= 50 && summary(wall).median <= 50,
      rssMet: watchProcess ? watchProcess.afterKeysRssMb <= 150 : null,
    },
  }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `evolve watch` as users run it: in a real terminal (tmux), on the same database, its memory read from /proc after
 * the first screen and after 300 key presses. Null when tmux is missing.
 */
async function measureWatchProcess(db: string) {
  const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
  const session = `evolve-bench-${process.pid}`;
  const bin = join(import.meta.dirname, '..', 'bin', 'evolve.mjs');
  try {
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `exec ${bin} watch --db ${db}`);
  } catch {
    return null;
  }
  const waitFor = async (check: () => boolean) => {
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('evolve watch did not draw its screen');
  };
  const vm = (pid: string, key: string) => mb(Number(/(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(key))!)![1]) * 1024);
  try {
    const pid = tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim();
    await waitFor(() => tmux('capture-pane', '-p', '-t', session).includes('lineage'));
    const startedRssMb = vm(pid, 'VmRSS:');
    const t = performance.now();
    for (let i = 0; i < 30; i++) tmux('send-keys', '-t', session, ...Array(10).fill('j'));
    // The hints line shows the visible range (first-last/total); the selection has moved 300 rows down when last ≥ 300.
    await waitFor(() => Number(/\b\d+-(\d+)\/\d+/.exec(tmux('capture-pane', '-p', '-t', session))?.[1] ?? 0) >= 300);
    const keysMs = performance.now() - t;
    return { startedRssMb, afterKeysRssMb: vm(pid, 'VmRSS:'), peakRssMb: vm(pid, 'VmHWM:'), keys: 300, keysWallMs: +keysMs.toFixed(0) };
  } finally {
    try { tmux('kill-session', '-t', session); } catch { /* already gone */ }
  }
}
