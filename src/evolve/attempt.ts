/**
 * A child's attempt: fork (branch at the parent's commit, fresh workspace, inherited memory plus lessons) and the
 * agent run (the parent's code, jailed, behind the relay, with the candidate's own token). Each step is written to
 * the store before the next begins.
 */
import path from 'node:path';
import type { EventKind } from '../lineage/schema.ts';
import { outputTail } from '../process/collector.ts';
import { combinedOutput } from '../process/run.ts';
import { sandboxDenial } from './jail/denial.ts';
import { keptOutput } from './judge/output.ts';
import { resolveAgentCommand, runAgent, JAIL_RELAY_PORT, type AgentChoice } from './jail/agent.ts';
import type { AgentBundles } from './jail/agent-bundle.ts';
import type { Sandbox } from './jail/sandbox.ts';
import type { AgentReport, ChildPlan, RunJournal } from './child.ts';
import type { RunConfig } from './config.ts';
import type { ModelProxy } from './ports.ts';
import type { Git } from './repo/git.ts';

export type { AgentReport };
import { ensureAttemptRecorded, seedChildContext } from './repo/context.ts';
import type { Prepared, Workspaces } from './repo/workspace.ts';

/**
 * The most phase and tool_call lines of one attempt recorded as events. Each is a synchronous write to lineage.db on
 * the runner's event loop (which also serves the proxy): past this, lines are still validated but only counted.
 */
export const MAX_PROGRESS_EVENTS = 2000;

export type AttemptOutcome = { interrupted: true } | { interrupted: false; report: AgentReport; ws: Prepared };

/** What forking a child and running its agent use. */
export interface AttemptDeps extends RunJournal {
  config: Pick<RunConfig, 'model' | 'maxTurns' | 'seedGoal' | 'build' | 'test' | 'candidateBudgetUsd' | 'candidateTimeoutS'>;
  git: Pick<Git, 'createBranch' | 'readFile'>;
  workspaces: Pick<Workspaces, 'prepare'>;
  sandbox: Sandbox;
  /** The proxy that admits the candidate, and the shared socket beside which its own is opened. */
  proxy: Pick<ModelProxy, 'admit' | 'openSocket' | 'dismiss'>;
  proxySocket: string;
  /** The agent every candidate runs (--agent); default: the workspace's own, else the built-in one. */
  agent?: AgentChoice;
  /** The parents' agents, bundled once per parent commit for a fast start (jail/agent-bundle.ts). */
  bundles: Pick<AgentBundles, 'start'>;
  signal?: AbortSignal;
}

export async function forkAndRunAgent(ctx: AttemptDeps, plan: ChildPlan): Promise<AttemptOutcome> {
  const { store, clock, config } = ctx;
  const ev = (kind: EventKind, data: Record<string, unknown>) => ctx.record(plan.id, plan.generation, kind, data);

  await ctx.git.createBranch(plan.branch, plan.parent.commit);
  const ws = await ctx.workspaces.prepare(plan.id, plan.parent.commit, plan.parent.depsFrom);
  const before = await seedChildContext(ws.dir, config.seedGoal, plan.lessons);
  store.updateCandidate(plan.id, { status: 'running', step: 'forked', started_at: clock.now().toISOString(), commit_sha: null });
  ev('forked', { parent_id: plan.parent.id, branch: plan.branch, base_commit: plan.parent.commit, lessons: plan.lessons.length });

  const resolved = await resolveAgentCommand(await ctx.git.readFile(plan.parent.commit, 'package.json'), ctx.agent, {
    model: config.model, maxTurns: config.maxTurns, seedGoal: config.seedGoal, buildCmd: config.build.cmd ?? '', testCmd: config.test.cmd ?? '', context: before,
  });
  // Before the agent touches the workspace, which is still exactly the parent's commit (see agent-bundle.ts).
  const { command, start, bundleMs } = await ctx.bundles.start(resolved, ws.dir, plan.parent.commit, ws.nodeModules, ctx.signal);
  const row = store.getCandidate(plan.id);
  const token = await ctx.proxy.admit(plan.id, { budgetUsd: config.candidateBudgetUsd, spentUsd: row?.cost_usd ?? 0 });
  // A socket of its own, beside the shared one: its connections are bounded, and only its token is served there.
  let proxySocket = ctx.proxySocket;
  if (ctx.proxy.openSocket) {
    proxySocket = path.join(path.dirname(ctx.proxySocket), `${plan.id}.sock`);
    await ctx.proxy.openSocket(plan.id, proxySocket);
  }
  const deadline = new Date(clock.now().getTime() + config.candidateTimeoutS * 1000);
  const attempts = (row?.attempts ?? 0) + 1;
  // A new attempt claims nothing until it says so (an earlier attempt's claim is not this one's).
  store.updateCandidate(plan.id, { step: 'agent_running', attempts, agent_success: null, agent_summary: null });
  let recorded = 0;
  let dropped = 0;
  const keep = () => (recorded < MAX_PROGRESS_EVENTS ? (recorded++, true) : (dropped++, false));
  ev('agent_started', {
    agent: command.source, command: command.argv.join(' ').slice(0, 300), start, bundle_ms: bundleMs, deadline: deadline.toISOString(), attempt: attempts, sandbox: ctx.sandbox.kind,
    ...(command.version ? { version: command.version } : {}),
  });
  const outcome = await runAgent(ctx.sandbox, {
    workspace: ws.dir, nodeModules: ws.nodeModules, depsWritable: ws.depsWritable, command, proxySocket,
    // In the jail the relay has a private loopback; without it, any free port (the relay tells the agent which).
    relayPort: ctx.sandbox.kind === 'bwrap' ? JAIL_RELAY_PORT : 0, token,
    env: { model: config.model, seedGoal: config.seedGoal, buildCmd: config.build.cmd ?? '', testCmd: config.test.cmd ?? '', maxTurns: config.maxTurns },
    deadline, signal: ctx.signal,
    onProgress: (line) => {
      if ((line.type === 'phase' || line.type === 'tool_call') && !keep()) return;
      if (line.type === 'phase') {
        store.updateCandidate(plan.id, { phase: line.name, ...(line.goal ? { goal: line.goal } : {}) });
        ev('phase', { name: line.name, ...(line.goal ? { goal: line.goal } : {}) });
      } else if (line.type === 'tool_call') {
        ev('tool_call', { tool: line.tool, ok: line.ok, ms: line.ms ?? null, summary: line.summary.slice(0, 500), source: 'agent' });
        const denied = sandboxDenial(line.ok, line.summary);
        if (denied) ev('sandbox_denied', { tool: line.tool, what: denied, detail: line.summary.slice(0, 500), source: 'agent' });
      } else if (line.type === 'result') {
        store.updateCandidate(plan.id, { goal: line.goal, plan: line.plan ?? null, agent_summary: line.summary, agent_success: line.success ? 1 : 0 });
      }
    },
  });
  await ctx.proxy.dismiss(plan.id);
  // Stopped (Ctrl-C): the row stays at agent_running, exactly as after a crash, and --resume restarts it.
  if (ctx.signal?.aborted) return { interrupted: true };

  const claim = outcome.result;
  const said = outcome.described;
  const goal = claim?.goal ?? said?.goal ?? null;
  if (said) store.updateCandidate(plan.id, { goal, agent_summary: said.summary.slice(0, 2000) });
  // An agent that wrote no history entry gets one from the runner: its claim, or (no claim) how it ended; what the
  // judge then finds reaches its children's context (generation.ts).
  const wroteContext = await ensureAttemptRecorded(ws.dir, before, {
    success: claim ? outcome.ok && claim.success : outcome.ok, goal: goal ?? 'agent attempt',
    details: outcome.reason ?? claim?.summary ?? `finished with no claim (exit ${outcome.exit.exitCode})${said ? `: ${said.summary}` : ''}; the runner judges the commit`,
  }, clock.now());
  const report: AgentReport = { ok: outcome.ok, reason: outcome.reason, goal };
  store.updateCandidate(plan.id, { step: 'agent_done' });
  ev('agent_finished', {
    ...report, exit_code: outcome.exit.exitCode, ms: outcome.exit.ms, claimed: claim !== null, success: claim?.success ?? null,
    summary: (claim?.summary ?? said?.summary)?.slice(0, 500) ?? null, garbage_lines: outcome.garbageLines,
    ...(dropped > 0 ? { progress_dropped: dropped } : {}), context_by_runner: wroteContext,
    output_tail: outcome.ok ? undefined : keptOutput(combinedOutput(outcome.exit)),
  });
  return { interrupted: false, report, ws };
}
