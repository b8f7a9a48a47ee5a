import { readEventData } from '../lineage/events/index.ts';
import { LOG_KINDS as LOG_KIND_NAMES, type EventRow } from '../lineage/schema.ts';
import { safeLine } from '../safe-text.ts';
import { formatScore, shortId } from './format.ts';

/**
 * What the events add to the candidate rows: each candidate's latest tool calls and validation results, the newest
 * activity (for `f`), and the run's log lines shown once in <Static>. Each event's data_json is read with its kind's
 * schema (src/lineage/events): a field an older evolve did not write, or wrote with another type, reads as absent.
 */
export interface ToolCallView {
  tool: string;
  ok: boolean | null;
  ms: number | null;
  summary: string;
}
export interface CandidateActivity {
  toolCalls: ToolCallView[];
  build?: { ok: boolean | null; ms: number | null };
  tests?: { passed: number | null; failed: number | null; ok: boolean | null };
  lastEventId: number;
  /**
   * The agent reports its own tool calls (fd 3): the proxy's view of the same calls (`source: "proxy"`) is then not
   * shown twice. An agent CLI that reports nothing is shown through the proxy's.
   */
  agentReports?: boolean;
}
export interface LogLine {
  id: number;
  text: string;
  tone: 'info' | 'good' | 'bad';
  /** When it happened (ms since the epoch; NaN when unknown): the log is shown in this order. */
  at: number;
}
export interface ActivityDigest {
  byCandidate: Map<string, CandidateActivity>;
  log: LogLine[];
  lastEventId: number;
  /** The candidate of the newest event, or null. */
  newestCandidateId: string | null;
}

export const MAX_TOOL_CALLS = 5;
export const LOG_KINDS: readonly string[] = LOG_KIND_NAMES;

export function emptyDigest(): ActivityDigest {
  return { byCandidate: new Map(), log: [], lastEventId: 0, newestCandidateId: null };
}

const str = (v: string | null | undefined): string => (v ? safeLine(v) : '');

/** A new digest with `events` (ascending ids) folded in; the old one is left untouched for React. */
export function applyEvents(prev: ActivityDigest, events: readonly EventRow[]): ActivityDigest {
  const fresh = events.filter((e) => e.id > prev.lastEventId);
  if (!fresh.length) return prev;
  const byCandidate = new Map(prev.byCandidate);
  const log = [...prev.log];
  let { lastEventId, newestCandidateId } = prev;
  for (const e of fresh) {
    lastEventId = e.id;
    if (e.candidate_id) {
      newestCandidateId = e.candidate_id;
      const before = byCandidate.get(e.candidate_id) ?? { toolCalls: [], lastEventId: 0 };
      byCandidate.set(e.candidate_id, foldCandidateEvent(before, e));
    }
    if (LOG_KINDS.includes(e.kind)) log.push(logLine(e));
  }
  return { byCandidate, log, lastEventId, newestCandidateId };
}

/** One event folded into a candidate's activity (events it already holds are skipped). */
export function foldEvent(a: CandidateActivity | undefined, e: EventRow): CandidateActivity {
  const before = a ?? { toolCalls: [], lastEventId: 0 };
  return e.id > before.lastEventId ? foldCandidateEvent(before, e) : before;
}

/** The log line of a log event (LOG_KINDS). */
export function logLineOf(e: EventRow): LogLine {
  return logLine(e);
}

function foldCandidateEvent(a: CandidateActivity, e: EventRow): CandidateActivity {
  switch (e.kind) {
    case 'tool_call': {
      const d = readEventData('tool_call', e.data_json);
      const fromProxy = d.source === 'proxy';
      if (fromProxy && a.agentReports) return { ...a, lastEventId: e.id };
      const call = { tool: str(d.tool) || '?', ok: d.ok ?? null, ms: d.ms ?? null, summary: str(d.summary) };
      // The first call the agent reports itself replaces what the proxy showed of its calls until then.
      const before = !fromProxy && !a.agentReports ? [] : a.toolCalls;
      return { ...a, lastEventId: e.id, toolCalls: [...before, call].slice(-MAX_TOOL_CALLS), agentReports: a.agentReports || !fromProxy };
    }
    case 'built': {
      const d = readEventData('built', e.data_json);
      return { ...a, lastEventId: e.id, build: { ok: d.ok ?? null, ms: d.ms ?? null } };
    }
    case 'tested': {
      const d = readEventData('tested', e.data_json);
      const passed = d.passed ?? null;
      const failed = d.failed ?? null;
      // Passed as the judge counts it: nothing failed, and the run neither timed out nor exited non-zero.
      const ok = failed === null ? null : failed === 0 && d.timed_out !== true && (d.exit_code ?? 0) === 0;
      return { ...a, lastEventId: e.id, tests: { passed, failed, ok } };
    }
    default:
      return { ...a, lastEventId: e.id };
  }
}

function clock(at: string): string {
  const m = /T(\d\d:\d\d:\d\d)/.exec(at);
  return m ? m[1] : at.slice(0, 8);
}

function logLine(e: EventRow): LogLine {
  return { ...logText(e), at: Date.parse(e.at) };
}

function logText(e: EventRow): Omit<LogLine, 'at'> {
  const who = e.candidate_id ? ` ${shortId(e.candidate_id)}` : '';
  const prefix = `${clock(e.at)}  `;
  switch (e.kind) {
    case 'run_started':
      return { id: e.id, tone: 'info', text: `${prefix}run started` };
    case 'run_finished': {
      const d = readEventData('run_finished', e.data_json);
      const status = d.status ?? 'finished';
      const reason = str(d.reason);
      const tone = status === 'done' ? 'good' : status === 'running' ? 'info' : 'bad';
      return { id: e.id, tone, text: `${prefix}run ${status}${reason ? `: ${reason}` : ''}` };
    }
    case 'selected': {
      // One event per survivor, in rank order.
      const d = readEventData('selected', e.data_json);
      const score = d.score ?? null;
      const how = d.rank !== undefined ? ` (#${d.rank}${d.seed === true ? ', the seed' : ''}${score !== null ? `, score ${formatScore(score)}` : ''})` : '';
      return { id: e.id, tone: 'good', text: `${prefix}${d.generation !== undefined ? `generation ${d.generation}: ` : ''}selected${who}${how}` };
    }
    case 'pushed': {
      const branch = str(readEventData('pushed', e.data_json).branch);
      return { id: e.id, tone: 'info', text: `${prefix}pushed${who}${branch ? ` ${branch}` : ''}` };
    }
    case 'resumed':
      return { id: e.id, tone: 'info', text: `${prefix}resumed${who}` };
    case 'budget_exhausted':
      return { id: e.id, tone: 'bad', text: `${prefix}budget exhausted${who}` };
    case 'error': {
      const message = str(readEventData('error', e.data_json).message);
      return { id: e.id, tone: 'bad', text: `${prefix}error${who}${message ? `: ${message}` : ''}` };
    }
    default:
      return { id: e.id, tone: 'bad', text: `${prefix}${e.kind}${who}` };
  }
}
