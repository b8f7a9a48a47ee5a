/**
 * What judging a candidate costs beyond running its commands (bench/runner.ts prints these):
 *  - depsView: per candidate, the writable dependency view (src/evolve/repo/dependency-view.ts: a hardlink copy
 *    without the cache folders, then fresh cache folders) against the plain hardlink copy of the same node_modules
 *    that it replaced, for evolve's own dependencies and for a framework fixture's.
 *  - judge: the judge's wall time for one candidate — fresh checkout of the commit, dependency view, build and tests
 *    each in its own jail, counts read — against a plain run of the same test command in a checkout of the same
 *    commit with its dependencies in place (what `npm test` costs the user), and against the same plain run with a
 *    fresh TMPDIR and HOME as the jail has (no cache a previous run left: Jest keeps its transform cache in the temp
 *    directory, so a warm plain run is not the same work); target ≤ 1.2×. `jailedTestMs` is the test command's own
 *    time in the jail (the `tested` event's ms), the rest is checkout, dependency view and cleanup. Per framework
 *    fixture (test/fixtures), medians of alternated runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseRunOptions } from '../src/cli/config.ts';
import { freezeConfig } from '../src/evolve/config.ts';
import { createJailSandbox } from '../src/evolve/jail/jail.ts';
import { Evaluator } from '../src/evolve/judge/evaluate.ts';
import { dependencyView, hardlinkCopy } from '../src/evolve/repo/dependency-view.ts';
import { Git } from '../src/evolve/repo/git.ts';
import { Workspaces } from '../src/evolve/repo/workspace.ts';
import { ROOT, tempDir } from '../test/evolve/helpers.ts';
import { fixtureTarget } from '../test/frameworks/fixtures.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function timeCopy(from: string, copy: (from: string, to: string) => Promise<unknown>): Promise<number> {
  const to = path.join(tempDir('deps-view-'), 'node_modules');
  const t0 = process.hrtime.bigint();
  await copy(from, to);
  const t = since(t0);
  rmSync(path.dirname(to), { recursive: true, force: true });
  return t;
}

export async function depsView(rounds = 5) {
  const sources: [string, string][] = [['evolve', path.join(ROOT, 'node_modules')], ['vitest fixture', path.join(fixtureTarget('vitest'), 'node_modules')]];
  const out = [];
  for (const [name, from] of sources) {
    const view: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < rounds; i++) {
      view.push(await timeCopy(from, dependencyView));
      plain.push(await timeCopy(from, hardlinkCopy));
    }
    const files = Number(execFileSync('sh', ['-c', `find ${from} -type f | wc -l`]).toString().trim());
    out.push({ deps: name, files, viewMs: Math.round(median(view)), hardlinkCopyMs: Math.round(median(plain)), extraMs: Math.round(median(view) - median(plain)) });
  }
  return out;
}

/** One framework fixture: the judge's evaluation of its seed commit against `sh -c <test>` in a checkout of it. */
async function judgeFixture(framework: string, rounds: number) {
  const target = fixtureTarget(framework);
  const found = (await Git.discover(target))!;
  const git = new Git(found.gitDir);
  const head = await git.resolveHead();
  const pkg = readFileSync(path.join(target, 'package.json'), 'utf8');
  const options = parseRunOptions({}, { population: 1, generations: 1 });
  const config = freezeConfig({ ...options, population: 1, generations: 1 }, pkg, 1);
  const sandbox = await createJailSandbox(target);
  const workdir = tempDir('bench-judge-');
  const deps = existsSync(path.join(target, 'node_modules')) ? path.join(target, 'node_modules') : null;
  const judgeRuns: number[] = [];
  const jailedRuns: number[] = [];
  const plainRuns: number[] = [];
  const freshRuns: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const workspaces = new Workspaces(git, workdir, `run${i}`);
    await workspaces.ensureRoot();
    const evaluator = new Evaluator(git, sandbox, workspaces, config);
    const t0 = process.hrtime.bigint();
    const result = await evaluator.evaluate(`c${i}`, head, null, deps, (kind, data) => {
      if (kind === 'tested' && 'ms' in data) jailedRuns.push(Number(data.ms));
    });
    judgeRuns.push(since(t0));
    if (result.status !== 'passed') throw new Error(`${framework}: the judge says ${result.status}: ${result.reason}`);
    await workspaces.removeAll();

    const checkout = path.join(tempDir('bench-plain-'), framework);
    execFileSync('git', ['-C', target, 'worktree', 'add', '-q', '--detach', checkout, head]);
    if (deps) execFileSync('cp', ['-al', deps, path.join(checkout, 'node_modules')]);
    const env = { ...process.env, CI: '1', PATH: `${path.join(checkout, 'node_modules', '.bin')}:${process.env.PATH}` };
    const t1 = process.hrtime.bigint();
    execFileSync('sh', ['-c', config.test.cmd!], { cwd: checkout, stdio: 'ignore', env });
    plainRuns.push(since(t1));
    const fresh = tempDir('bench-fresh-tmp-');
    const t2 = process.hrtime.bigint();
    execFileSync('sh', ['-c', config.test.cmd!], { cwd: checkout, stdio: 'ignore', env: { ...env, TMPDIR: fresh, HOME: fresh } });
    freshRuns.push(since(t2));
    rmSync(fresh, { recursive: true, force: true });
    execFileSync('git', ['-C', target, 'worktree', 'remove', '--force', checkout]);
  }
  const [judgeMs, plainMs, freshMs] = [median(judgeRuns), median(plainRuns), median(freshRuns)];
  return {
    framework, test: config.test.cmd, judgeMs: Math.round(judgeMs), jailedTestMs: median(jailedRuns), plainMs: Math.round(plainMs),
    plainFreshTmpMs: Math.round(freshMs), ratio: +(judgeMs / plainMs).toFixed(3), ratioFreshTmp: +(judgeMs / freshMs).toFixed(3), target: 1.2,
  };
}

export async function judge(frameworks = ['vitest', 'jest', 'mocha', 'node-test'], rounds = 3) {
  const out = [];
  for (const framework of frameworks) out.push(await judgeFixture(framework, rounds));
  return out;
}
