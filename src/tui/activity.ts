import { LOG_KINDS as LOG_KIND_NAMES, type EventRow } from '../lineage/schema.ts';
import { safeLine } from '../safe-text.ts';
import { formatDuration, formatScore, shortId } from './format.ts';

/**
 * What the events add to the candidate rows: each candidate's latest tool calls and validation results, the newest
 * activity (for `f`), and the run's log lines shown once in <Static>. data_json is written by other rooms, so every
 * field is read defensively.
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

type Data = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : null);
const str = (v: unknown): string => (typeof v === 'string' ? safeLine(v) : '');

function parseData(json: string): Data {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : {};
  } catch {
    return {};
  }
}

/** A new digest with `events` (ascending ids) folded in; the old one is left untouched for React. */
export function applyEvents(prev: ActivityDigest, events: readonly EventRow[]): ActivityDigest {
  const fresh = events.filter((e) => e.id > prev.lastEventId);
  if (!fresh.length) return prev;
  const byCandidate = new Map(prev.byCandidate);
  const log = [...prev.log];
  let { lastEventId, newestCandidateId } = prev;
  for (const e of fresh) {
    lastEventId = e.id;
    const data = parseData(e.data_json);
    if (e.candidate_id) {
      newestCandidateId = e.candidate_id;
      const before = byCandidate.get(e.candidate_id) ?? { toolCalls: [], lastEventId: 0 };
      byCandidate.set(e.candidate_id, foldCandidateEvent(before, e, data));
    }
    if (LOG_KINDS.includes(e.kind)) log.push(logLine(e, data));
  }
  return { byCandidate, log, lastEventId, newestCandidateId };
}

/** One event folded into a candidate's activity (events it already holds are skipped). */
export function foldEvent(a: CandidateActivity | undefined, e: EventRow): CandidateActivity {
  const before = a ?? { toolCalls: [], lastEventId: 0 };
  return e.id > before.lastEventId ? foldCandidateEvent(before, e, parseData(e.data_json)) : before;
}

/** The log line of a log event (LOG_KINDS). */
export function logLineOf(e: EventRow): LogLine {
  return logLine(e, parseData(e.data_json));
}

function foldCandidateEvent(a: CandidateActivity, e: EventRow, d: Data): CandidateActivity {
  switch (e.kind) {
    case 'tool_call': {
      const fromProxy = d.source === 'proxy';
      if (fromProxy && a.agentReports) return { ...a, lastEventId: e.id };
      const call = { tool: str(d.tool) || '?', ok: bool(d.ok), ms: num(d.ms), summary: str(d.summary) };
      // The first call the agent reports itself replaces what the proxy showed of its calls until then.
      const before = !fromProxy && !a.agentReports ? [] : a.toolCalls;
      return { ...a, lastEventId: e.id, toolCalls: [...before, call].slice(-MAX_TOOL_CALLS), agentReports: a.agentReports || !fromProxy };
    }
    case 'built':
      return { ...a, lastEventId: e.id, build: { ok: bool(d.ok), ms: num(d.ms) } };
    case 'tested': {
      const passed = num(d.passed ?? d.tests_passed);
      const failed = num(d.failed ?? d.tests_failed);
      return { ...a, lastEventId: e.id, tests: { passed, failed, ok: bool(d.ok) ?? (failed == null ? null : failed === 0) } };
    }
    default:
      return { ...a, lastEventId: e.id };
  }
}

function clock(at: string): string {
  const m = /T(\d\d:\d\d:\d\d)/.exec(at);
  return m ? m[1] : at.slice(0, 8);
}

function logLine(e: EventRow, d: Data): LogLine {
  return { ...logText(e, d), at: Date.parse(e.at) };
}

function logText(e: EventRow, d: Data): Omit<LogLine, 'at'> {
  const who = e.candidate_id ? ` ${shortId(e.candidate_id)}` : '';
  const gen = num(d.generation);
  const prefix = `${clock(e.at)}  `;
  switch (e.kind) {
    case 'run_started':
      return { id: e.id, tone: 'info', text: `${prefix}run started` };
    case 'run_finished': {
      const status = str(d.status) || 'finished';
      const reason = str(d.reason ?? d.stop_reason);
      const tone = status === 'done' ? 'good' : status === 'running' ? 'info' : 'bad';
      return { id: e.id, tone, text: `${prefix}run ${status}${reason ? `: ${reason}` : ''}` };
    }
    case 'selected': {
      const ids = Array.isArray(d.survivors) ? d.survivors.filter((s): s is string => typeof s === 'string') : [];
      const list = ids.length ? ` ${ids.map(shortId).join(', ')}` : who;
      const rank = num(d.rank);
      const score = num(d.score);
      const how = rank != null ? ` (#${rank}${d.seed === true ? ', the seed' : ''}${score != null ? `, score ${formatScore(score)}` : ''})` : '';
      return { id: e.id, tone: 'good', text: `${prefix}${gen != null ? `generation ${gen}: ` : ''}selected${list}${how}` };
    }
    case 'pushed':
      return { id: e.id, tone: 'info', text: `${prefix}pushed${who}${str(d.branch) ? ` ${str(d.branch)}` : ''}` };
    case 'resumed':
      return { id: e.id, tone: 'info', text: `${prefix}resumed${who}` };
    case 'budget_exhausted':
      return { id: e.id, tone: 'bad', text: `${prefix}budget exhausted${who}` };
    default: {
      const message = str(d.message ?? d.error ?? d.reason);
      const ms = num(d.ms);
      return { id: e.id, tone: 'bad', text: `${prefix}${e.kind}${who}${message ? `: ${message}` : ''}${ms != null ? ` (${formatDuration(ms)})` : ''}` };
    }
  }
}
