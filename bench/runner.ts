/**
 * The runner's costs, measured. Prints JSON:
 *  - overhead: per-candidate runner work (workspace + commit + diff stats + changed paths + db writes) on a
 *    1,000-file repository, as a ratio to the plain git CLI doing the same (`git worktree add`, `git commit -a`,
 *    `git diff --numstat`); target ≤ 1.2.
 *  - generation: wall time of a generation of 3 children that mostly wait on the model (the stand-in delays each
 *    answer), as a ratio to one such child alone; target ≤ 1.1.
 *  - agentStart: how long the built-in agent takes from its launch (`agent_started`) to its first phase, in the
 *    demo (3 × 2, the stand-in model, three jails at once); target < 1 s. The agent runs from a bundle made once per
 *    parent commit (src/evolve/jail/agent-bundle.ts); `bundleMs` is what making it cost, once.
 *  - deps: dependency readiness for this project by hardlink copy (what the runner does when the lockfile is
 *    unchanged) against a real `npm ci` of the same package-lock.json in a temporary directory (its dependencies'
 *    install scripts included: better-sqlite3 builds its addon). That takes a minute or two and needs the registry;
 *    --no-npm-ci leaves it out (npmCiMs: null).
 *
 *  - depsView, judge: what the writable dependency view costs per candidate, and the judge's time against a plain
 *    run of the same test command on the same commit, per framework fixture (bench/judge.ts); target ≤ 1.2.
 *  - userJudge: the user judge stage's time against running the judge command by hand (bench/user-judge.ts);
 *    target ≤ 1.1.
 *
 *   node --import tsx bench/runner.ts [--no-npm-ci]
 */
import { execFileSync } from 'node:child_process';
import fs, { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../src/lineage/store.ts';
import { Git } from '../src/evolve/repo/git.ts';
import { Workspaces } from '../src/evolve/repo/workspace.ts';
import { hardlinkCopy } from '../src/evolve/repo/dependency-view.ts';
import { defaultWorkdir } from '../src/evolve/repo/workdir.ts';
import { startStandin } from '../src/standin/index.ts';
import { depsView, judge } from './judge.ts';
import { evolve, makeRepo, ROOT, tempDir } from '../test/evolve/helpers.ts';
import { sampleEvent } from '../test/lineage/event-samples.ts';
import { makeToyRepo, passingPlan, planScript } from '../test/evolve/toy.ts';
import { judgeOverhead } from './user-judge.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function bigRepo(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 1000; i++) files[`src/d${i % 20}/f${i}.ts`] = `export const v${i} = ${i};\n`.repeat(20);
  return makeRepo(files);
}

const edit = (dir: string, round: number) => {
  for (let i = 0; i < 10; i++) writeFileSync(path.join(dir, `src/d${i}/f${i}.ts`), `export const v${i} = ${round};\n`);
};

const commitTimes: number[] = [];

async function runnerCandidate(repo: string, g: Git, store: ReturnType<typeof openStore>, runId: string, head: string, round: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const ws = new Workspaces(g, defaultWorkdir(repo), runId);
  const id = `c${String(round).padStart(7, '0')}`;
  const branch = `evolve/${runId}/g1-${id}`;
  store.addCandidate({ id, runId, generation: 1, parentId: 'seed0000', branch, baseCommit: head, status: 'pending', step: 'pending' });
  await g.createBranch(branch, head);
  const prepared = await ws.prepare(id, head, null);
  store.updateCandidate(id, { status: 'running', step: 'forked' });
  store.appendEvent({ runId, candidateId: id, kind: 'forked', data: sampleEvent('forked', { parent_id: 'seed0000', branch, base_commit: head }) });
  edit(prepared.dir, round);
  store.updateCandidate(id, { step: 'agent_done' });
  const tc = process.hrtime.bigint();
  const sha = await g.commitWorkspace({ workTree: prepared.dir, indexFile: prepared.indexFile, parent: head, branch, message: 'bench' });
  commitTimes.push(ms(tc));
  store.updateCandidate(id, { commit_sha: sha, step: 'committed' });
  store.appendEvent({ runId, candidateId: id, kind: 'committed', data: sampleEvent('committed', { sha, parent: head }) });
  const { stats } = await g.diff(head, sha);
  store.updateCandidate(id, { diff_added: stats.added, diff_removed: stats.removed, status: 'passed', step: 'evaluated' });
  store.appendEvent({ runId, candidateId: id, kind: 'scored', data: sampleEvent('scored', { diff_added: stats.added, diff_removed: stats.removed }) });
  const t = ms(t0);
  await ws.remove(id); // cleanup is outside the measure on both sides
  return t;
}

function plainCandidate(repo: string, round: number): number {
  const t0 = process.hrtime.bigint();
  const dir = path.join(tempDir('plain-'), 'wt');
  execFileSync('git', ['worktree', 'add', '-q', '-b', `plain-${round}`, dir, 'HEAD'], { cwd: repo });
  edit(dir, round);
  execFileSync('git', ['commit', '-q', '-a', '-m', 'bench'], { cwd: dir });
  execFileSync('git', ['diff', '--numstat', 'HEAD~1', 'HEAD'], { cwd: dir });
  const t = ms(t0);
  execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo });
  return t;
}

export async function overhead(rounds = 9) {
  const repo = bigRepo();
  const found = (await Git.discover(repo))!;
  const g = new Git(found.gitDir);
  const head = await g.resolveHead();
  const store = openStore(path.join(tempDir(), 'lineage.db'));
  const runId = '20260101-000000-beef';
  store.createRun({ id: runId, target: repo, config: {} });
  store.addCandidate({ id: 'seed0000', runId, generation: 0, parentId: null, branch: null, baseCommit: head, commitSha: head, status: 'passed', step: 'selected' });
  const runner: number[] = [];
  const plain: number[] = [];
  for (let i = 1; i <= rounds; i++) {
    runner.push(await runnerCandidate(repo, g, store, runId, head, i));
    plain.push(plainCandidate(repo, i));
  }
  store.close();
  return {
    files: 1000, rounds, runnerMs: median(runner), plainGitMs: median(plain), ratio: +(median(runner) / median(plain)).toFixed(3), target: 1.2,
    runnerCommitOnlyMs: median(commitTimes),
  };
}

/** Wall time of generation 1 (first fork to last score) from the run's events. */
function generationMs(db: string): number {
  const sql = new Database(db, { readonly: true });
  const row = sql.prepare(`SELECT min(e.at) AS a, max(e.at) AS b FROM events e JOIN candidates c ON c.id = e.candidate_id
                           WHERE c.generation = 1 AND e.kind IN ('forked', 'scored')`).get() as { a: string; b: string };
  sql.close();
  return Date.parse(row.b) - Date.parse(row.a);
}

export async function generation(delayMs = 3000, samples = 3) {
  const unsafe = process.env.EVOLVE_BENCH_UNSAFE ? ['--unsafe-no-sandbox'] : [];
  const timeFor = async (population: number) => {
    const repo = makeToyRepo();
    const db = path.join(tempDir(), 'lineage.db');
    const standin = await startStandin({ script: planScript((i) => passingPlan(i), delayMs), apiKey: 'sk-bench' });
    const run = await evolve(['--population', String(population), '--generations', '1', '--no-tui', '--target', repo, '--db', db, ...unsafe],
      { ANTHROPIC_API_KEY: 'sk-bench', ANTHROPIC_BASE_URL: standin.url });
    await standin.close();
    if (run.code !== 0) throw new Error(run.stderr);
    return generationMs(db);
  };
  // Alternated and repeated: the machine's load drifts, and a ratio of two single runs would mostly measure that.
  const alone: number[] = [];
  const three: number[] = [];
  for (let i = 0; i < samples; i++) {
    alone.push(await timeFor(1));
    three.push(await timeFor(3));
  }
  return {
    modelDelayMs: delayMs, sandbox: unsafe.length ? 'none' : 'bwrap', samples, oneChildMs: median(alone), threeChildrenMs: median(three),
    ratio: +(median(three) / median(alone)).toFixed(3), target: 1.1, oneChildRuns: alone, threeChildrenRuns: three,
  };
}

/** Launch to first phase of every child's agent in a demo run, from its events. */
export async function agentStart(population = 3, generations = 2) {
  const dir = path.join(tempDir('agent-start-'), 'textkit');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'evolve.mjs'), 'demo', '--no-tui', '--dir', dir,
    '--population', String(population), '--generations', String(generations)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const sql = new Database(path.join(dir, 'lineage.db'), { readonly: true });
  const rows = sql.prepare(`SELECT s.at AS started, s.data_json AS data,
      (SELECT min(p.at) FROM events p WHERE p.candidate_id = s.candidate_id AND p.kind = 'phase' AND p.id > s.id) AS phase
    FROM events s WHERE s.kind = 'agent_started'`).all() as { started: string; data: string; phase: string | null }[];
  sql.close();
  rmSync(path.dirname(dir), { recursive: true, force: true });
  const launchToPhase = rows.filter((r) => r.phase).map((r) => Date.parse(r.phase!) - Date.parse(r.started));
  const started = rows.map((r) => JSON.parse(r.data) as { start?: string; bundle_ms?: number });
  return {
    agents: rows.length, medianMs: median(launchToPhase), maxMs: Math.max(...launchToPhase), target: 1000, launchToPhaseMs: launchToPhase,
    starts: started.map((d) => d.start ?? 'tsx'), bundleMs: started.reduce((sum, d) => sum + (d.bundle_ms ?? 0), 0),
  };
}

export async function deps(withNpmCi = true) {
  const from = path.join(ROOT, 'node_modules');
  const to = path.join(tempDir('deps-'), 'node_modules');
  const t0 = process.hrtime.bigint();
  await hardlinkCopy(from, to);
  const copyMs = ms(t0);
  rmSync(path.dirname(to), { recursive: true, force: true });
  const files = Number(execFileSync('sh', ['-c', `find ${from} -type f | wc -l`]).toString().trim());
  const npmCiMs = withNpmCi ? timeNpmCi() : null;
  return {
    project: 'evolve', files, hardlinkCopyMs: Math.round(copyMs), npmCiMs,
    speedup: npmCiMs === null ? null : Math.round(npmCiMs / copyMs),
  };
}

/** A real `npm ci` of this project's lockfile in a scratch directory (without evolve's own prepare script, which
 *  bundles src/ and is not part of installing dependencies). */
function timeNpmCi(): number {
  const dir = tempDir('npm-ci-');
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    delete pkg.scripts;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    fs.copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(dir, 'package-lock.json'));
    const t0 = process.hrtime.bigint();
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    return Math.round(ms(t0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = {
    overhead: await overhead(), generation: await generation(), agentStart: await agentStart(), deps: await deps(!process.argv.includes('--no-npm-ci')),
    depsView: await depsView(), judge: await judge(), userJudge: await judgeOverhead(),
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
