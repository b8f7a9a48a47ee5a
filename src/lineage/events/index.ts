/**
 * One zod schema per event kind: the shape of `events.data_json` (docs/lineage.md, Event kinds). The store checks
 * every event against its kind's schema before it writes it (`checkEventData`), so lineage.db holds no shape the
 * schemas do not declare; every reader parses through the same schemas (`readEventData`), tolerant of the rows an
 * older evolve wrote.
 */
import type { z } from 'zod';
import type { EventKind } from '../schema.ts';
import { AgentFinished, AgentStarted, Committed, DepsInstalled, Forked, Phase, SandboxDenied, ToolCall } from './candidate.ts';
import { Built, Checked, Duplicate, Judged, Rejected, Scored, Tested } from './judge.ts';
import { BudgetExhausted, ModelCall, ModelRefused, ModelRetry } from './proxy.ts';
import { Pushed, Resumed, RunFinished, RunnerError, RunStarted, Selected } from './run.ts';

export const EVENT_SCHEMAS = {
  run_started: RunStarted, run_finished: RunFinished, forked: Forked, agent_started: AgentStarted, phase: Phase,
  model_call: ModelCall, model_retry: ModelRetry, tool_call: ToolCall, sandbox_denied: SandboxDenied,
  agent_finished: AgentFinished, committed: Committed, deps_installed: DepsInstalled, checked: Checked,
  duplicate: Duplicate, built: Built, tested: Tested, judged: Judged, scored: Scored, rejected: Rejected,
  selected: Selected, pushed: Pushed, budget_exhausted: BudgetExhausted, model_refused: ModelRefused,
  resumed: Resumed, error: RunnerError,
} as const satisfies Record<EventKind, z.ZodObject>;

/** The data of an event of kind K, as written. */
export type EventData<K extends EventKind> = z.output<(typeof EVENT_SCHEMAS)[K]>;
/**
 * The data of an event of kind K as a reader gets it: every field may be missing, since a database written by an
 * older evolve may lack a field (or hold it with another type, which reads as missing).
 */
export type EventView<K extends EventKind> = Partial<EventData<K>>;

/** A writer's bug: an event whose data its kind's schema does not declare. Nothing was written. */
export class InvalidEventError extends Error {
  constructor(readonly kind: string, readonly issues: readonly string[]) {
    super(`${kind} event refused (its data_json must match the ${kind} schema in src/lineage/events): ${issues.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

const issueText = (i: z.core.$ZodIssue) => `${i.path.length ? i.path.join('.') : 'data'}: ${i.message}`;

const KNOWN = new Set<string>(Object.keys(EVENT_SCHEMAS));
export const isEventKind = (kind: string): kind is EventKind => KNOWN.has(kind);

/** The data of a new event, checked against its kind's schema; throws InvalidEventError (nothing is written then). */
export function checkEventData<K extends EventKind>(kind: K, data: unknown): EventData<K> {
  if (!isEventKind(kind)) throw new InvalidEventError(String(kind), ['unknown event kind']);
  const parsed = EVENT_SCHEMAS[kind].safeParse(data ?? {});
  if (!parsed.success) throw new InvalidEventError(kind, parsed.error.issues.map(issueText));
  return parsed.data as EventData<K>;
}

/**
 * What is wrong with a recorded event by its kind's schema (`[]`: nothing). Rows an older evolve wrote, or that were
 * written by hand, may not match; readers still read them (readEventData), `evolve show` says so.
 */
export function eventIssues(kind: string, json: string): string[] {
  if (!isEventKind(kind)) return ['a kind this evolve does not know'];
  const raw = rawEventData(json);
  if (raw === null) return ['its data is not a JSON object'];
  const parsed = EVENT_SCHEMAS[kind].safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map(issueText);
}

/** The recorded data as a plain object, or null when it is not one (not JSON, an array, a number). */
export function rawEventData(json: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * An event's data_json read with its kind's schema. A row that matches it (everything this evolve writes) reads as
 * written; an older row reads field by field: each declared field that has the declared type is kept, the rest
 * (missing, ill-typed, or fields no longer written) read as absent.
 */
export function readEventData<K extends EventKind>(kind: K, json: string): EventView<K> {
  const raw = rawEventData(json) ?? {};
  const schema = EVENT_SCHEMAS[kind] as z.ZodObject;
  if (!schema) return {};
  const whole = schema.safeParse(raw);
  if (whole.success) return whole.data as EventView<K>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (!(key in raw)) continue;
    const one = (field as z.ZodType).safeParse(raw[key]);
    if (one.success && one.data !== undefined) out[key] = one.data;
  }
  return out as EventView<K>;
}

/** An event row's data read with its kind's schema (`readEventData`); `{}` for a kind this evolve does not know. */
export function eventView<K extends EventKind>(e: { kind: string; data_json: string }, kind: K): EventView<K> {
  return e.kind === kind ? readEventData(kind, e.data_json) : {};
}
