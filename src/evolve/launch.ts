/**
 * From validated options to a running evolution: every check a user can fail (not a git repo, dirty target, no API
 * key, no test command, no sandbox, unknown run id, bad db path) happens BEFORE anything is created, and fails with
 * a UsageError (exit 2). Then the store, the proxy and the sandbox are started and handed to runEvolution.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { newRunId } from '../lineage/ids.ts';
import { openStore } from '../lineage/store.ts';
import { freezeConfig, type RunOptions } from './config.ts';
import { Git } from './git.ts';
import type { RunObserver, RunSummary } from './observer.ts';
import { requirePrices, resolvePrices } from './prices.ts';
import { startProxy } from './proxy/index.ts';
import { runEvolution } from './run.ts';
import { seedOf } from './select.ts';
import { UnsafeSandbox, type Sandbox } from './sandbox.ts';

export interface LaunchOptions extends RunOptions {
  target: string;
  db: string;
  workdir?: string;
  resume?: string | boolean;
  prices?: unknown;
}

export interface LaunchEnv {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  observer?: RunObserver;
  signal?: AbortSignal;
}

export async function launchRun(o: LaunchOptions, env: LaunchEnv): Promise<RunSummary> {
  const found = await Git.discover(path.resolve(o.target));
  if (!found) throw new UsageError(`${o.target} is not a git repository (evolve needs a git checkout to evolve)`);
  const target = found.topLevel;
  const git = new Git(found.gitDir);
  const head = await git.resolveHead().catch(() => {
    throw new UsageError(`${target} has no commits yet: commit something to evolve from`);
  });
  if (await git.isDirty(target)) throw new UsageError(`${target} has uncommitted changes to tracked files: commit or stash them first`);
  if (!env.apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set (the runner needs it; candidates never see it)');
  if (o.resume !== undefined && o.resume !== false) checkResume(o.db, o.resume);
  checkDbPath(o.db);
  const prices = resolvePrices(o.prices);
  requirePrices(prices, [o.model]);
  const config = freezeConfig(o, await git.readFile(head, 'package.json'), seedOf(head));
  const sandbox: Sandbox = o.unsafeNoSandbox ? new UnsafeSandbox() : await noJailYet(target);
  if (o.unsafeNoSandbox) {
    env.observer?.log?.('WARNING: --unsafe-no-sandbox: candidate code runs on this machine WITHOUT a jail, with your user\'s rights');
  }

  // Everything validated: from here on things are created.
  const store = openStore(o.db);
  const runId = newRunId();
  const workdir = path.resolve(o.workdir ?? path.join(found.gitDir, 'evolve'));
  store.createRun({ id: runId, target, config: { ...config, prices, workdir, head } });
  const socketPath = path.join(tmpdir(), `evolve-${runId}.sock`);
  const proxy = await startProxy({
    socketPath, runId, models: [config.model], prices, runBudgetUsd: config.budgetUsd,
    upstream: { baseUrl: env.baseUrl || 'https://api.anthropic.com', apiKey: env.apiKey },
    recorder: {
      recordModelCall: (c) => store.recordModelCall({ ...c, runId }),
      appendEvent: (e) => store.appendEvent({ ...e, runId }),
      addTranscript: (t) => store.addTranscript({ ...t, runId }),
    },
    log: (line) => env.observer?.log?.(line),
  });
  const exhausted = new Set<string>();
  proxy.on('budget_exhausted', (info: { candidateId: string }) => exhausted.add(info.candidateId));
  env.observer?.log?.(`run ${runId}: ${config.population} × ${config.generations} candidates from ${head.slice(0, 10)} in ${target}; ` +
    `budget $${config.budgetUsd} (candidate $${config.candidateBudgetUsd}); test: ${config.test.cmd}${config.build.cmd ? `; build: ${config.build.cmd}` : ''}; sandbox: ${sandbox.kind}`);
  try {
    return await runEvolution({
      git, store, sandbox, proxy, proxySocket: socketPath, observer: env.observer, signal: env.signal,
      runBudgetExhausted: () => proxy.runBudgetExhausted(), candidateBudgetExhausted: (id) => exhausted.has(id),
    }, { runId, target, workdir, config, head });
  } finally {
    await proxy.close({ graceMs: 5000 });
    await rm(socketPath, { force: true });
    store.close();
  }
}

/** Refuses a db path that is a directory, not a database, or in a missing folder — without creating anything. */
function checkDbPath(db: string): void {
  if (existsSync(db) && !(statSync(db).isFile() && statSync(db).size === 0)) openStore(db, { readonly: true }).close();
  else if (!existsSync(path.dirname(path.resolve(db)))) throw new UsageError(`${db}: directory ${path.dirname(db)} does not exist`);
}

/** An unknown run id is a usage error; resuming a known one is not available in this version. */
function checkResume(db: string, resume: string | true): void {
  if (!existsSync(db)) throw new UsageError(`--resume: ${db} does not exist, so there is no run to resume`);
  const store = openStore(db, { readonly: true });
  try {
    const run = resume === true ? store.latestRun() : store.getRun(resume);
    if (!run) throw new UsageError(resume === true ? `--resume: no runs in ${db}` : `--resume: no run ${resume} in ${db}`);
    throw new UsageError(`--resume: resuming run ${run.id} is not supported by this version yet`);
  } finally {
    store.close();
  }
}

/** Until the tools room's jail (src/tools/sandbox) is merged, only --unsafe-no-sandbox runs can start. */
async function noJailYet(target: string): Promise<Sandbox> {
  throw new UsageError(`cannot jail candidates for ${target} yet: the bubblewrap jail is not in this build; pass --unsafe-no-sandbox`);
}
