/**
 * The shapes one child candidate is run with (what the runner hands each step) and what comes back: shared by the
 * steps (candidate.ts, attempt.ts, recall.ts) so that none of them imports another for a type.
 */
import type { CandidateRow, CandidateStep, EventKind } from '../lineage/schema.ts';
import type { RunConfig } from './config.ts';
import type { HistoryEntry } from '../agent/protocol.ts';
import type { Evaluator, ParentMeasure } from './judge/evaluate.ts';
import type { Git } from './repo/git.ts';
import type { ModelProxy, RunnerStore, Clock } from './ports.ts';
import type { AgentChoice } from './jail/agent.ts';
import type { AgentBundles } from './jail/agent-bundle.ts';
import type { Sandbox } from './jail/sandbox.ts';
import type { Workspaces } from './repo/workspace.ts';

/** What the runner keeps of an agent run (also rebuilt from the agent_finished event on resume). */
export interface AgentReport { ok: boolean; reason: string | null; goal: string | null }

export interface RunContext {
  runId: string;
  config: RunConfig;
  git: Git;
  store: RunnerStore;
  sandbox: Sandbox;
  proxy: ModelProxy;
  proxySocket: string;
  workspaces: Workspaces;
  evaluator: Evaluator;
  clock: Clock;
  /** The agent every candidate runs (--agent); default: the workspace's own, else the built-in one. */
  agent?: AgentChoice;
  /** The parents' agents, bundled once per parent commit for a fast start (jail/agent-bundle.ts). */
  bundles: AgentBundles;
  /** Appends an event to the store and tells the observer. */
  record(candidateId: string | null, generation: number | null, kind: EventKind, data: Record<string, unknown>): void;
  signal?: AbortSignal;
  /** True when the proxy refused this candidate a call for its budget. */
  budgetExhausted(candidateId: string): 'run' | 'candidate' | false;
}

/** What a child inherits from its parent. */
export interface ParentInfo {
  id: string;
  commit: string;
  measure: ParentMeasure | null;
  /** The node_modules folder to hardlink from (the parent's installed one, else the target's), or null. */
  depsFrom: string | null;
}

export interface ChildPlan {
  id: string;
  generation: number;
  branch: string;
  parent: ParentInfo;
  lessons: HistoryEntry[];
  /** Set when --resume picks the candidate up: the step it had reached and its agent's report, if it finished. */
  resume?: { step: CandidateStep; commitSha: string | null; agent: AgentReport | null };
}

export interface ChildResult {
  row: CandidateRow;
  measure: ParentMeasure | null;
  depsFrom: string | null;
  /** Stopped before it finished: its row stays at the step it reached. */
  interrupted?: boolean;
}
