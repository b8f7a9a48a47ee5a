/**
 * From validated options to a running evolution: every check a user can fail (not a git repo, dirty target, no API
 * key, no test command, no sandbox, unknown run id, bad db path) happens BEFORE anything is created, and fails with
 * a UsageError (exit 2). Then the store, the proxy and the sandbox are started and handed to runEvolution.
 * `--resume` continues a stopped or crashed run with its frozen configuration (budgets may be raised).
 */
import { accessSync, constants, existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { newRunId } from '../lineage/ids.ts';
import type { RunRow } from '../lineage/schema.ts';
import { NoLineageYet } from '../lineage/open.ts';
import { openStore, type LineageStore } from '../lineage/store.ts';
import { freezeConfig, parseStoredConfig, type RunOptions, type StoredConfig } from './config.ts';
import { Git } from './repo/git.ts';
import { createJailSandbox, limitsWarning } from './jail/jail.ts';
import type { RunObserver, RunSummary } from './observer.ts';
import { requirePrices, resolvePrices, type PriceTable } from './proxy/prices.ts';
import { startProxy } from './proxy/index.ts';
import { liveProxySocket, removeStaleSocketDirs } from './proxy/socket-dirs.ts';
import { estimateLines } from './preflight.ts';
import { targetGit } from './repo/target-git.ts';
import { defaultWorkdir, insideGitDir, isInside } from './repo/workdir.ts';
import { pushWarning, runEvolution } from './run.ts';
import { checkFrozenJudge, freezeJudge } from './judge/user-judge.ts';
import { seedOf } from './judge/select.ts';
import { UnsafeSandbox, type Sandbox } from './jail/sandbox.ts';
import { checkQueue, checkQueueOptions, startQueue } from './queue/runner.ts';
import { resolveAgentChoice, type AgentChoice } from './jail/agent.ts';

/**
 * The options a run is launched with: the run's options as validated (RunOptions; `tui` is the CLI's own), and
 * `explicit`, those the user set (flags or config file) as opposed to defaults: on --resume only these override.
 */
export type LaunchOptions = Omit<RunOptions, 'tui'> & {
  explicit?: readonly string[];
  /** Set only by `evolve demo`: the upstream is the bundled stand-in, labelled so everywhere (never used unless asked). */
  standin?: string;
};

export interface LaunchEnv {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  observer?: RunObserver;
  signal?: AbortSignal;
}

export async function launchRun(o: LaunchOptions, env: LaunchEnv): Promise<RunSummary> {
  if (o.resume !== undefined && o.resume !== false) return resumeRun(o, o.resume, env);
  if (o.population === undefined || o.generations === undefined) throw new UsageError('--population and --generations are required');
  const { git, target, gitDir } = await openTarget(o.target);
  if (o.push) checkPushRemote(target, o.push);
  const remote = checkQueueOptions(o, target);
  const head = await git.resolveHead().catch(() => {
    throw new UsageError(`${target} has no commits yet: commit something to evolve from`);
  });
  if (!env.apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set (the runner needs it; candidates never see it)');
  checkDbPath(o.db);
  const prices = resolvePrices(o.prices);
  requirePrices(prices, [o.model]);
  const config = freezeConfig({ ...o, population: o.population, generations: o.generations }, await git.readFile(head, 'package.json'), seedOf(head));
  const workdir = path.resolve(o.workdir ?? defaultWorkdir(target));
  // Workspaces never go in the working tree: they would show up in the user's checkout as untracked files.
  if (isInside(workdir, target) && !isInside(workdir, path.resolve(gitDir))) {
    throw new UsageError(`--workdir ${o.workdir} is inside the working tree of ${target}: choose a directory outside it (default: ${defaultWorkdir(target)})`);
  }
  if (insideGitDir(workdir)) env.observer?.log?.(`WARNING: --workdir ${o.workdir} is inside a .git directory: test runners such as Jest ignore every path there and find no tests`);
  const sandbox = await makeSandbox(o.unsafeNoSandbox, target, env);
  const agent = resolveAgentChoice(config.agent, target);
  const createdWorkdir = makeWorkdir(workdir, o.workdir);
  if (o.queue) await checkQueue(o.queue);
  const runId = newRunId();
  if (o.objective && !o.judge) throw new UsageError('objective needs a judge that measures it: pass --judge <cmd> (or "judge" in the config file)');
  if (o.judge) {
    const seedFiles = new Set((await git.listTree(head)).map((e) => e.path));
    config.judge = await freezeJudge({
      cmd: o.judge, runs: o.judgeRuns, timeoutS: o.judgeTimeout, target, cwd: process.cwd(), dir: path.join(workdir, `${runId}.judge`), seedFiles,
    });
  }
  for (const line of estimateLines(o.db, config, prices, !!o.standin)) env.observer?.log?.(line);

  // Everything validated: from here on things are created.
  const store = openStore(o.db);
  const stored: StoredConfig = {
    ...config, prices, workdir, ownsWorkdir: !o.workdir || createdWorkdir, head, ...(o.standin ? { standin: true as const, standinLabel: o.standin } : {}),
    ...(o.queue ? { queue: o.queue, remote } : {}),
  };
  store.createRun({ id: runId, target, config: stored });
  if (o.standin) env.observer?.log?.(`MODEL: ${o.standin}`);
  env.observer?.log?.(`run ${runId}: ${config.population} × ${config.generations} candidates from ${head.slice(0, 10)} in ${target}; ` +
    `budget $${config.budgetUsd} (candidate $${config.candidateBudgetUsd}); test: ${config.test.cmd}${config.build.cmd ? `; build: ${config.build.cmd}` : ''}` +
    `${config.judge ? `; judge: ${config.judge.given}${config.judge.runs > 1 ? ` ×${config.judge.runs}` : ''}${config.objective ? ` (${config.objective.goal} ${config.objective.metric})` : ''}` : ''}; sandbox: ${sandbox.kind}${sandbox.kind === 'bwrap' ? ` (limits: ${sandbox.limits})` : ''}; ` +
    `judging ${config.judgeConcurrency} at a time; ${config.allowFailingSeed ? 'a failing seed parents generation 1 (--allow-failing-seed)' : 'a failing seed stops the run'}`);
  if (agent.kind === 'claude-code') env.observer?.log?.(`agent: Claude Code ${agent.install.version} (${agent.install.found})`);
  return startAndRun({ store, git, sandbox, runId, target, stored, env, apiKey: env.apiKey, verbose: o.verbose, agent, listen: o.listen, proxyUrl: o.proxyUrl });
}

async function resumeRun(o: LaunchOptions, which: string | true, env: LaunchEnv): Promise<RunSummary> {
  if (!existsSync(o.db)) throw new UsageError(`--resume: ${o.db} does not exist, so there is no run to resume`);
  const reader = openStore(o.db, { readonly: true });
  let run: RunRow | undefined;
  try {
    run = which === true ? reader.latestRun() : reader.getRun(which);
  } finally {
    reader.close();
  }
  if (!run) throw new UsageError(which === true ? `--resume: no runs in ${o.db}` : `--resume: no run ${which} in ${o.db}`);
  if (run.status === 'done') throw new UsageError(`--resume: run ${run.id} is already done`);
  const live = await liveProxySocket(run.id);
  if (live) {
    throw new UsageError(`--resume: run ${run.id} is still running in another evolve process on this machine (its proxy answers at ${live}): ` +
      'stop that one (Ctrl-C) first; --resume is for a run that stopped or crashed');
  }
  const frozen = parseStoredConfig(run.id, run.config_json);
  if (frozen.judge) await checkFrozenJudge(frozen.judge);
  const { git, target } = await openTarget(run.target);
  if (!env.apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set (the runner needs it; candidates never see it)');
  const raised = (key: 'budgetUsd' | 'candidateBudgetUsd') => (o.explicit?.includes(key) ? o[key] : frozen[key]);
  const stored: StoredConfig = { ...frozen, budgetUsd: raised('budgetUsd'), candidateBudgetUsd: raised('candidateBudgetUsd') };
  const sandbox = await makeSandbox(frozen.sandbox === 'none', target, env);
  const agent = resolveAgentChoice(frozen.agent, target);
  if (frozen.queue) await checkQueue(frozen.queue);

  const store = openStore(o.db);
  store.setRunStatus(run.id, 'running');
  store.appendEvent({ runId: run.id, candidateId: null, kind: 'resumed', data: { budget_usd: stored.budgetUsd, previous_status: run.status } });
  env.observer?.log?.(`resuming run ${run.id} (${run.status}${run.stop_reason ? `: ${run.stop_reason}` : ''}) in ${target}`);
  return startAndRun({ store, git, sandbox, runId: run.id, target, stored, env, apiKey: env.apiKey, verbose: o.verbose, agent, listen: o.listen, proxyUrl: o.proxyUrl });
}

async function startAndRun(a: {
  store: LineageStore; git: Git; sandbox: Sandbox; runId: string; target: string; stored: StoredConfig; env: LaunchEnv; apiKey: string; verbose?: boolean;
  agent: AgentChoice;
  listen?: string;
  proxyUrl?: string;
}): Promise<RunSummary> {
  const { store, runId, stored, env } = a;
  if (stored.push) env.observer?.log?.(pushWarning(stored.push));
  // The proxy's socket lives in a fresh directory only this user can enter (mkdtemp makes it 0700), so no other
  // local user can connect to it or plant a file at its path first; the jails get the socket itself bound in.
  await removeStaleSocketDirs(runId);
  const socketDir = await mkdtemp(path.join(tmpdir(), `evolve-${runId}-`));
  const socketPath = path.join(socketDir, 'proxy.sock');
  const spent = store.candidates(runId).reduce((sum, r) => sum + r.cost_usd, 0);
  const proxy = await startProxy({
    socketPath, runId, models: [stored.model], prices: stored.prices, runBudgetUsd: stored.budgetUsd, alreadySpentUsd: spent,
    upstream: { baseUrl: env.baseUrl || 'https://api.anthropic.com', apiKey: a.apiKey },
    recorder: {
      recordModelCall: (c) => store.recordModelCall({ ...c, runId }),
      appendEvent: (e) => store.appendEvent({ ...e, runId }),
      addTranscript: (t) => store.addTranscript({ ...t, runId }),
    },
    log: (line) => (a.verbose ? env.observer?.log?.(line) : undefined),
  });
  // Which budget refused each candidate's call: the run's (it says so) or the candidate's own.
  const exhausted = new Map<string, 'run' | 'candidate'>();
  proxy.on('budget_exhausted', (info: { candidateId: string; scope: 'run' | 'candidate' }) => {
    if (exhausted.get(info.candidateId) !== 'run') exhausted.set(info.candidateId, info.scope);
  });
  const queue = stored.queue
    ? await startQueue({ queue: stored.queue, listen: a.listen, proxyUrl: a.proxyUrl, remote: stored.remote ?? a.target, target: a.target, runId, git: a.git, proxy, observer: env.observer })
    : null;
  try {
    return await runEvolution({
      git: a.git, store, sandbox: a.sandbox, proxy, proxySocket: socketPath, observer: env.observer, signal: env.signal, agent: a.agent,
      runBudgetExhausted: () => proxy.runBudgetExhausted(), candidateBudgetExhausted: (id) => exhausted.get(id) ?? false,
      executor: queue?.executor,
    }, { runId, target: a.target, workdir: stored.workdir, ownsWorkdir: stored.ownsWorkdir ?? false, config: stored, head: stored.head });
  } finally {
    await queue?.close();
    await proxy.close({ graceMs: 5000 });
    await rm(socketDir, { recursive: true, force: true });
    store.close();
  }
}

async function openTarget(dir: string): Promise<{ git: Git; target: string; gitDir: string }> {
  const found = await Git.discover(path.resolve(dir));
  if (!found) throw new UsageError(`${dir} is not a git repository (evolve needs a git checkout to evolve)`);
  const git = new Git(found.gitDir);
  if (await git.isDirty(found.topLevel)) {
    throw new UsageError(`${found.topLevel} has uncommitted changes to tracked files: commit or stash them first`);
  }
  return { git, target: found.topLevel, gitDir: found.gitDir };
}

async function makeSandbox(unsafe: boolean, target: string, env: LaunchEnv): Promise<Sandbox> {
  if (!unsafe) {
    const jail = await createJailSandbox(target);
    const warning = limitsWarning(jail.limits);
    if (warning) env.observer?.log?.(warning);
    return jail;
  }
  env.observer?.log?.('WARNING: --unsafe-no-sandbox: candidate code runs on this machine WITHOUT a jail, with your user\'s rights');
  return new UnsafeSandbox();
}

/** Refuses a db path that is a directory, not a database, or in a missing folder — without creating anything. */
function checkDbPath(db: string): void {
  if (existsSync(db) && !(statSync(db).isFile() && statSync(db).size === 0)) {
    try {
      openStore(db, { readonly: true }).close();
    } catch (err) {
      // An SQLite file without lineage yet (no tables of another application) is where this run starts it.
      if (!(err instanceof NoLineageYet)) throw err;
    }
  }
  else if (!existsSync(path.dirname(path.resolve(db)))) throw new UsageError(`${db}: directory ${path.dirname(db)} does not exist`);
}

/** `--push` must name a remote of the target, an existing path or a URL: a typo should not surface mid-run. */
function checkPushRemote(target: string, remote: string): void {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/\s]+@[^/\s:]+:/.test(remote);
  if (isUrl || existsSync(path.resolve(target, remote))) return;
  if (targetGit(target).tryRun(['remote', 'get-url', '--', remote]) !== null) return;
  throw new UsageError(`--push ${remote}: not a remote of ${target}, an existing path or a URL (see git remote -v)`);
}

/**
 * Creates the workspaces' directory now, so that one that cannot exist is bad input rather than a run that dies
 * on its first workspace after it was recorded. One level at a time: Node's recursive mkdir spins forever under
 * /proc instead of failing. True when it did not exist before.
 */
function makeWorkdir(workdir: string, given: string | undefined): boolean {
  const missing: string[] = [];
  for (let dir = workdir; !existsSync(dir) && path.dirname(dir) !== dir; dir = path.dirname(dir)) missing.unshift(dir);
  try {
    for (const dir of missing) mkdirSync(dir);
    accessSync(workdir, constants.W_OK);
    // The default sits beside the target, maybe in a shared folder (/tmp): another user's `.evolve-work` (or a link
    // planted there) could rename the run's workspaces from under it.
    if (!given) for (const dir of [path.dirname(workdir), workdir]) refuseForeign(dir);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const what = given ? `--workdir ${given}` : `the workspaces' directory ${workdir} (the default, beside the target)`;
    throw new UsageError(`${what}: cannot create it (${code})${given ? '' : '; pass --workdir <dir> on the same file system'}`, { cause: err });
  }
  return missing.length > 0;
}

function refuseForeign(dir: string): void {
  const info = lstatSync(dir);
  if (!info.isDirectory() || (process.getuid && info.uid !== process.getuid())) {
    throw new UsageError(`the workspaces' directory ${dir} (the default, beside the target) is ${info.isDirectory() ? "another user's" : 'not a directory'}: pass --workdir <dir> of your own on the same file system`);
  }
}
