/**
 * `evolve report` at the size of a long campaign: a synthetic 1,000-candidate run (10 per generation, 100
 * generations, the statuses, goals, summaries, plans and errors of a real one) whose every candidate is a real
 * commit in a real git repository (made with git fast-import), so the diffs are read from git as in a real run.
 * Then the same at 10,000. Prints JSON figures against the targets of issue 18:
 * 1,000 candidates written in < 2 s and < 5 MB; 10,000 in ≤ 5 s and ≤ 20 MB.
 * Wall times grow with whatever else the machine runs (its load average is printed); CPU times much less so.
 * Usage: npm run bench -- report [--candidates N] [--keep <dir>]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore } from '../src/lineage/store.ts';
import type { CandidateStatus } from '../src/lineage/schema.ts';
import { buildReport, writeAtomically } from '../src/report/report.ts';

const RUN = '20260101-000000-be4c';
const PER_GENERATION = 10;
const ROOT = join(import.meta.dirname, '..');

const idOf = (n: number) => (0x10000000 + n).toString(16);
const generationOf = (n: number) => Math.ceil(n / PER_GENERATION);
/** Generation g's candidates descend from the first three of generation g-1 (its survivors). */
const parentOf = (n: number) => {
  const g = generationOf(n);
  return n === 0 ? null : g === 1 ? 0 : (g - 2) * PER_GENERATION + 1 + (n % 3);
};
const STATUSES: CandidateStatus[] = ['passed', 'passed', 'passed', 'failed', 'passed', 'rejected', 'passed', 'failed', 'passed', 'budget_exhausted'];
const statusOf = (n: number): CandidateStatus => (n === 0 ? 'passed' : STATUSES[n % STATUSES.length]);

/** One commit per candidate on top of its parent's: a new 12-line module and a changed agent_context.json. */
function makeRepo(dir: string, total: number): string[] {
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const parts: string[] = [];
  const when = 1767225600;
  for (let n = 0; n < total; n++) {
    const parent = parentOf(n);
    const source = Array.from({ length: 12 }, (_, i) => `export const step${i} = (x) => x * ${n} + ${i}; // module ${n}`).join('\n') + '\n';
    const context = JSON.stringify({ history: [{ candidate: idOf(n) }] }) + '\n';
    parts.push(
      `commit refs/heads/c${idOf(n)}`, `mark :${n + 1}`, `committer Bench <bench@example.com> ${when + n} +0000`,
      `data ${Buffer.byteLength(`candidate ${n}`)}`, `candidate ${n}`,
      ...(parent === null ? [] : [`from :${parent + 1}`]),
      `M 100644 inline src/m${n}.js`, `data ${Buffer.byteLength(source)}`, source.slice(0, -1),
      `M 100644 inline agent_context.json`, `data ${Buffer.byteLength(context)}`, context.slice(0, -1), '',
    );
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: parts.join('\n') + '\n', maxBuffer: 1 << 30 });
  const marks = execFileSync('git', ['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/'], { cwd: dir, encoding: 'utf8' });
  const byRef = new Map(marks.trim().split('\n').map((l) => l.split(' ') as [string, string]));
  return Array.from({ length: total }, (_, n) => byRef.get(`c${idOf(n)}`)!);
}

function makeDb(path: string, target: string, commits: string[]): void {
  const store = openStore(path);
  const total = commits.length;
  store.createRun({ id: RUN, target, config: { population: PER_GENERATION, generations: generationOf(total - 1), model: 'claude-sonnet-4-5' } });
  store.transaction(() => {
    for (let n = 0; n < total; n++) {
      const id = idOf(n);
      const parent = parentOf(n);
      const g = generationOf(n);
      const status = statusOf(n);
      store.addCandidate({
        id, runId: RUN, generation: g, parentId: parent === null ? null : idOf(parent),
        branch: parent === null ? null : `evolve/${RUN}/g${g}-${id}`, baseCommit: parent === null ? null : commits[parent],
        goal: `Improve module ${n % 97}: make the retry loop observable and cover the timeout path with a test`,
        commitSha: commits[n],
      });
      store.updateCandidate(id, {
        status, step: 'selected', build_ok: status === 'failed' && n % 2 ? 0 : 1, tests_passed: 40 + (n % 7), tests_failed: status === 'failed' ? 2 : 0,
        diff_added: 12, diff_removed: 0, score: status === 'passed' ? 90 + (n % 1000) / 100 : status === 'failed' ? 40 : null,
        survived: n === 0 || (n - 1) % PER_GENERATION < 3 ? 1 : 0, input_tokens: 12_000, output_tokens: 900, cache_read_tokens: 90_000,
        cost_usd: 0.05 + (n % 13) / 1000, model_calls: 14,
        error: status === 'failed' ? 'tests failed (2 failed, exit 1)' : status === 'rejected' ? 'empty diff' : status === 'budget_exhausted' ? 'candidate budget $2.00 spent' : null,
        agent_summary: 'Made the retry loop observable: every retry now logs its attempt and delay, and a new test covers the timeout path.\nSelf-check: passed.',
        plan: 'Files: src/retry.ts, test/retry.test.ts\n1. Log each attempt\n2. Add the timeout test\nVerification: npm test',
        started_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(), finished_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000 + 45_000).toISOString(),
      });
    }
  });
  store.finishRun(RUN, 'done');
  store.close();
}

/** A CommonJS preload that writes the process's CPU time to stderr as it exits. */
function cpuProbe(dir: string): string {
  const file = join(dir, 'cpu-probe.cjs');
  writeFileSync(file, `process.on('exit', () => require('node:fs').writeSync(2, 'cpu-usage ' + JSON.stringify(process.cpuUsage()) + '\\n'));\n`);
  return file;
}

async function measure(total: number, dir: string) {
  mkdirSync(dir, { recursive: true });
  const repo = join(dir, 'target');
  const setup = process.hrtime.bigint();
  const commits = makeRepo(repo, total);
  const db = join(dir, 'lineage.db');
  makeDb(db, repo, commits);
  const setupS = Number(process.hrtime.bigint() - setup) / 1e9;

  const out = join(dir, 'report.html');
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const built = await buildReport(db, (s) => s.getRun(RUN)!);
  writeAtomically(out, built.html);
  const used = process.cpuUsage(cpu);
  const inProcessS = Number(process.hrtime.bigint() - start) / 1e9;

  // The command as a user runs it, Node's start-up included; a preload prints the CPU time the process used, which
  // (unlike its wall time) does not grow with the other work on a shared machine.
  const cliStart = process.hrtime.bigint();
  const cli = spawnSync(process.execPath, ['--require', cpuProbe(dir), join(ROOT, 'bin', 'evolve.mjs'), 'report', '--db', db, '-o', out], { encoding: 'utf8' });
  const cliS = Number(process.hrtime.bigint() - cliStart) / 1e9;
  if (cli.status !== 0) throw new Error(`evolve report failed: ${cli.stderr}`);
  const cliCpu = JSON.parse(/cpu-usage (\{.*\})/.exec(cli.stderr)?.[1] ?? '{"user":0,"system":0}') as { user: number; system: number };
  const bytes = statSync(out).size;
  const diffs = (built.html.match(/<pre class="diff">/g) ?? []).length;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    candidates: total, generations: generationOf(total - 1) + 1, setup_s: round(setupS),
    report_in_process_s: round(inProcessS), report_cpu_s: round((used.user + used.system) / 1e6),
    evolve_report_command_s: round(cliS), evolve_report_command_cpu_s: round((cliCpu.user + cliCpu.system) / 1e6), bytes, mb: Math.round(bytes / 1e4) / 100, diffs_shown: diffs,
  };
}

export default async function bench(args: string[]): Promise<Record<string, unknown>> {
  const arg = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const keep = arg('--keep');
  const sizes = arg('--candidates') ? [Number(arg('--candidates'))] : [1_000, 10_000];
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'evolve-bench-report-'));
  const targets: Record<number, { s: number; mb: number }> = { 1000: { s: 2, mb: 5 }, 10000: { s: 5, mb: 20 } };
  // The command runs from dist/ as installed (`npm ci` builds it), not through the tsx loader.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')]);
  try {
    mkdirSync(dir, { recursive: true });
    // What any evolve command costs before it does anything (Node and the bundle starting), for comparison.
    const startup = process.hrtime.bigint();
    const version = spawnSync(process.execPath, ['--require', cpuProbe(dir), join(ROOT, 'bin', 'evolve.mjs'), '--version'], { encoding: 'utf8' });
    const startupS = Number(process.hrtime.bigint() - startup) / 1e9;
    const startupCpu = JSON.parse(/cpu-usage (\{.*\})/.exec(version.stderr)?.[1] ?? '{"user":0,"system":0}') as { user: number; system: number };
    const startupFigures = {
      evolve_version_command_s: Math.round(startupS * 1000) / 1000,
      evolve_version_command_cpu_s: Math.round((startupCpu.user + startupCpu.system) / 1000) / 1000,
    };
    const results = [];
    for (const n of sizes) {
      const r = await measure(n, join(dir, String(n)));
      const t = targets[n];
      results.push(t ? { ...r, target: { s: t.s, mb: t.mb, met: r.evolve_report_command_s < t.s && r.mb < t.mb } } : r);
    }
    return { runs: results, startup: startupFigures, machine: { node: process.version, cpus: availableParallelism(), load_average_1m: Math.round(loadavg()[0] * 100) / 100 } };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await bench(process.argv.slice(2)), null, 2) + '\n');
}
