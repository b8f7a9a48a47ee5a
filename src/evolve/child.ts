/**
 * The shapes one child candidate is run with and what comes back, shared by the steps (candidate.ts, attempt.ts,
 * recall.ts) so that none of them imports another for a type. What each step needs beyond the journal is its own
 * small interface, beside it (AttemptDeps, JudgeDeps, CandidateDeps, RecallDeps, SelectionDeps).
 */
import type { CandidateRow, CandidateStep, EventKind } from '../lineage/schema.ts';
import type { HistoryEntry } from '../agent/protocol.ts';
import type { ParentMeasure } from './judge/evaluate.ts';
import type { RunnerStore, Clock } from './ports.ts';

/** What a run's candidates are kept in (contract 2): every step of every stage lands here before the next begins. */
export interface RunJournal {
  runId: string;
  store: RunnerStore;
  clock: Clock;
  /** Appends an event to the store and tells the observer. */
  record(candidateId: string | null, generation: number | null, kind: EventKind, data: Record<string, unknown>): void;
}

/** What the runner keeps of an agent run (also rebuilt from the agent_finished event on resume). */
export interface AgentReport { ok: boolean; reason: string | null; goal: string | null }

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

/**
 * Runs planned children to their verdicts: the runner itself (candidate.ts, the default) or workers on other machines
 * (queue/, `--queue`). The generation loop only starts children through it and waits for their results.
 */
export interface ChildExecutor {
  /** Children started at once. */
  readonly concurrency: number;
  run(plan: ChildPlan): Promise<ChildResult>;
}
