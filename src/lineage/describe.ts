import { eventIssues } from './events/index.ts';
import type { CandidateRow, EventRow, MetricRow, RunRow } from './schema.ts';
import { excerpt, formatDiff, formatScore, formatUsd, thousands } from './render.ts';

/** Pure text for `evolve show <candidate-id>`: every recorded field, then every event with all its data. */

export interface CandidateView {
  candidate: CandidateRow;
  run: RunRow;
  /** Ids from the seed to the candidate. */
  ancestry: string[];
  children: CandidateRow[];
  events: EventRow[];
  isBest: boolean;
  /** What the user judge measured (median of its runs, spread max − min). */
  metrics?: MetricRow[];
}

const yesNo = (v: number | null) => (v === null ? '—' : v ? 'yes' : 'no');

/** A multi-line value, continuation lines indented under the first. */
function field(name: string, value: string | null | undefined): string[] {
  if (value === null || value === undefined || value === '') return [];
  const [first, ...rest] = value.replace(/\s+$/, '').split('\n');
  return [`  ${name.padEnd(12)}${first}`, ...rest.map((line) => `  ${' '.repeat(12)}${line}`)];
}

function duration(start: string | null, end: string | null): string {
  if (!start || !end) return '';
  const ms = Date.parse(end) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? ` (${s}s)` : ` (${Math.floor(s / 60)}m ${s % 60}s)`;
}

/** One value of an event's data, short. */
function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
  const one = excerpt(text, 80);
  return typeof value === 'string' && /[\s=]/.test(one) ? JSON.stringify(one) : one;
}

/** `key=value` pairs of an event's data_json, in recorded order. */
export function summarizeEventData(dataJson: string): string {
  let data: unknown;
  try {
    data = JSON.parse(dataJson);
  } catch {
    return excerpt(dataJson, 120);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return shortValue(data);
  return Object.entries(data as Record<string, unknown>).map(([k, v]) => `${k}=${shortValue(v)}`).join(' ');
}

// Colour and cursor sequences in a recorded output (test runners colour it even when piped): shown as text they are
// noise, and the terminal must not act on them.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

/** Values up to this long (one line) go on the event's own line; longer ones follow it in full, wrapped. */
const INLINE_MAX = 60;

/** `text` cut into pieces of at most `width` characters (wrapped, never cut short). */
function wrap(text: string, width: number): string[] {
  const chars = [...text];
  if (chars.length <= width) return [text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out;
}

/**
 * One event for `evolve show`: its time, kind and short values on one line, then each long or multi-line value
 * (an output tail, a summary, an error) whole, one line of it per line, wrapped at `width`. Every recorded field is
 * shown as recorded; a row its kind's schema does not read as written (an older evolve's) says so after it.
 */
export function eventLines(e: EventRow, width = 100): string[] {
  let data: unknown;
  try {
    data = JSON.parse(e.data_json);
  } catch {
    data = e.data_json;
  }
  const entries = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.entries(data as Record<string, unknown>) : [['data', data] as const];
  const text = (v: unknown) => (typeof v === 'string' ? v.replace(ANSI, '') : JSON.stringify(v) ?? 'undefined');
  const isShort = (v: unknown) => !text(v).includes('\n') && text(v).length <= INLINE_MAX;
  const inline = entries.filter(([, v]) => isShort(v)).map(([k, v]) => `${k}=${typeof v === 'string' && /[\s=]/.test(v) ? JSON.stringify(v) : text(v)}`);
  const lines = [`  ${e.at}  ${e.kind.padEnd(16)} ${inline.join(' ')}`.trimEnd()];
  for (const [k, v] of entries.filter(([, value]) => !isShort(value))) {
    lines.push(`      ${k}:`);
    for (const line of text(v).replace(/\s+$/, '').split('\n')) {
      for (const piece of wrap(line, Math.max(20, width - 10))) lines.push(`        | ${piece}`.trimEnd());
    }
  }
  const issues = eventIssues(e.kind, e.data_json);
  if (issues.length > 0) lines.push(`      (not the shape this evolve writes: ${excerpt(issues.join('; '), Math.max(40, width - 40))})`);
  return lines;
}

/** Seed → … → candidate; a long path keeps its two ends. */
export function lineagePath(ids: readonly string[], keep = 12): string {
  if (ids.length <= keep) return ids.join(' → ');
  const head = ids.slice(0, 3);
  const tail = ids.slice(ids.length - (keep - 3));
  return [...head, `… ${ids.length - keep} more …`, ...tail].join(' → ') + ` (${ids.length - 1} generations)`;
}

function metricText(m: MetricRow): string {
  return `${m.name} ${m.value}${m.runs > 1 ? ` (median of ${m.runs} runs, spread ${m.spread})` : ''}`;
}

export function describeCandidate(view: CandidateView): string {
  const { candidate: c, run } = view;
  const tests = c.tests_passed === null && c.tests_failed === null
    ? '—' : `${c.tests_passed ?? 0} passed, ${c.tests_failed ?? 0} failed`;
  const lines = [
    `candidate ${c.id}  generation ${c.generation} of run ${run.id} (${run.status})`,
    ...field('status', `${c.status}  step ${c.step}  survived ${yesNo(c.survived)}${view.isBest ? '  ◆ best of the run' : ''}`),
    ...field('parent', c.parent_id ?? '(none: the seed is the target\'s HEAD)'),
    ...field('lineage', lineagePath(view.ancestry)),
    ...field('children', view.children.length ? view.children.map((k) => `${k.id} (${k.status})`).join(', ') : 'none'),
    ...field('branch', c.branch),
    ...field('base commit', c.base_commit),
    ...field('commit', c.commit_sha),
    ...field('goal', c.goal),
    ...field('plan', c.plan),
    ...field('agent', c.agent_success === null && !c.agent_summary
      ? null : `${c.agent_success === null ? 'no claim (it sent no result line)' : `success ${yesNo(c.agent_success)} (its own claim)`}${c.agent_summary ? `\n${c.agent_summary}` : ''}`),
    ...field('build', c.build_ok === null ? '—' : c.build_ok ? 'ok' : 'failed'),
    ...field('tests', tests),
    ...field('diff', formatDiff(c)),
    ...field('score', formatScore(c.score)),
    ...field('stubs', c.stubs_added ? `${c.stubs_added} stub marker${c.stubs_added === 1 ? '' : 's'} added` : null),
    ...field('verdict', c.duplicate_of ? `reused from ${c.duplicate_of} (the same tree)` : null),
    ...field('objective', c.objective === null || c.objective === undefined ? null : String(c.objective)),
    ...field('metrics', view.metrics?.length ? view.metrics.map(metricText).join('\n') : null),
    ...field('model', `${c.model_calls} call${c.model_calls === 1 ? '' : 's'}, ` +
      // Prompt tokens in all, as the run summary, `evolve lineage` and the TUI count them: with caching the
      // uncached input_tokens alone is often 0.
      `${thousands(c.input_tokens + c.cache_read_tokens + c.cache_write_tokens)} in / ` +
      `${thousands(c.output_tokens)} out tokens (input: ${thousands(c.cache_read_tokens)} cache reads, ` +
      `${thousands(c.cache_write_tokens)} cache writes), ` +
      formatUsd(c.cost_usd)),
    ...field('attempts', String(c.attempts)),
    ...field('worker', c.worker ?? null),
    ...field('phase', c.phase),
    ...field('started', c.started_at),
    ...field('finished', c.finished_at ? c.finished_at + duration(c.started_at, c.finished_at) : null),
    ...field('error', c.error),
    '',
    `events (${view.events.length})`,
    ...(view.events.length ? view.events.flatMap((e) => eventLines(e)) : ['  none']),
    '',
  ];
  return lines.join('\n');
}
