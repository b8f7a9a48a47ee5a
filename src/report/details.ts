import type { CandidateRow } from '../lineage/schema.ts';
import type { DiffResult } from './diffs.ts';
import { plotted, type ReportData } from './data.ts';
import { count, esc, firstLine, score, usd } from './html.ts';

/** The page's text parts: the run's header and one expandable section per candidate. */

function duration(from: string | null, to: string | null): string {
  if (!from || !to) return '';
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  if (!Number.isFinite(s)) return '';
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const row = (name: string, valueHtml: string) => (valueHtml === '' ? '' : `<dt>${esc(name)}</dt><dd>${valueHtml}</dd>`);
const link = (id: string) => `<a href="#c-${esc(id)}">${esc(id)}</a>`;

export function renderHeader(data: ReportData): string {
  const { run, stats, best } = data;
  const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((n, s) => n + (f(s) ?? 0), 0);
  const total = sum((s) => s.count);
  const passed = sum((s) => s.passed);
  const survivors = sum((s) => s.survivors);
  const tokensIn = sum((s) => s.inputTokens + s.cacheReadTokens + s.cacheWriteTokens);
  const cacheReads = sum((s) => s.cacheReadTokens);
  const objective = data.objective;
  const bestValue = best ? (objective ? `${objective.metric} ${score(plotted(data, best))}` : `score ${score(best.score)}`) : '';
  const config = JSON.stringify(data.config, null, 2);
  const standin = data.standin
    ? `<p class="standin" role="note"><strong>Stand-in model.</strong> ${esc(data.standin)}. Its costs are what the same tokens would cost at the price table.</p>`
    : '';
  return [
    `<header><h1>evolve run <code>${esc(run.id)}</code> <span class="run-status rs-${esc(run.status)}">${esc(run.status)}</span></h1>`,
    standin,
    '<dl class="facts">',
    row('target', `<code>${esc(run.target)}</code>`),
    row('model', data.model ? `<code>${esc(data.model)}</code>${data.standin ? ' (stand-in)' : ''}` : ''),
    row('started', esc(run.started_at)),
    row('finished', run.finished_at ? `${esc(run.finished_at)} (${esc(duration(run.started_at, run.finished_at))})` : 'not finished'),
    row('stop reason', esc(run.stop_reason ?? '')),
    row('candidates', `${count(total)} in ${count(stats.length)} generation${stats.length === 1 ? '' : 's'}: ${count(passed)} passed, ${count(survivors)} survived`),
    row('tokens', `${count(tokensIn)} in (${count(cacheReads)} cache reads), ${count(sum((s) => s.outputTokens))} out`),
    row('cost', esc(usd(sum((s) => s.costUsd)))),
    row('objective', objective ? `${esc(objective.metric)} (${esc(objective.goal)})` : ''),
    row('best', best ? `${link(best.id)} (generation ${esc(best.generation)}, ${esc(bestValue)}) on <code>${esc(best.branch ?? '')}</code>` : 'no candidate passed'),
    row('report made', `${esc(data.generatedAt)} from lineage.db and the target's git repository`),
    '</dl>',
    `<details class="config"><summary>configuration (runs.config_json)</summary><pre>${esc(config)}</pre></details>`,
    '</header>',
  ].join('\n');
}

function diffHtml(c: CandidateRow, diff: DiffResult | undefined): string {
  if (c.parent_id === null) return `<p class="note">The seed: the target's HEAD${c.commit_sha ? ` <code>${esc(c.commit_sha)}</code>` : ''}, nothing to diff.</p>`;
  if (c.commit_sha === null) return `<p class="note">No commit recorded (status ${esc(c.status)}, step ${esc(c.step)}).</p>`;
  if (!diff) return '<p class="note">No base commit recorded.</p>';
  if (diff.kind === 'left_out') return `<p class="note">Diff left out to keep the page small: <code>evolve show ${esc(c.id)} --diff</code></p>`;
  if (diff.kind === 'unavailable') return `<p class="note">Diff not shown: ${esc(diff.reason)}. <code>evolve show ${esc(c.id)} --diff</code> prints it.</p>`;
  if (diff.text === '') return '<p class="note">Empty diff (agent_context.json excluded).</p>';
  const lines = diff.text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const body = lines.map((l) => {
    // The shortest tags that say it: <ins> and <del> for lines added and removed, <b> file names, <i> hunks.
    const tag = l.startsWith('+++') || l.startsWith('---') || l.startsWith('diff ') ? 'b' : l.startsWith('+') ? 'ins' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'i' : '';
    return tag ? `<${tag}>${esc(l)}</${tag}>` : esc(l);
  }).join('\n');
  const cut = diff.truncated
    ? `<p class="note">Cut at ${count(diff.text.length)} of ${count(diff.chars)} characters: <code>evolve show ${esc(c.id)} --diff</code> prints all of it.</p>` : '';
  return `<pre class="diff">${body}</pre>${cut}`;
}

function metricsHtml(data: ReportData, c: CandidateRow): string {
  const metrics = data.metrics.get(c.id);
  if (!metrics || metrics.size === 0) return '';
  const rows = [...metrics].map(([name, value]) => {
    const mark = data.objective?.metric === name ? ' class="objective"' : '';
    return `<tr${mark}><th>${esc(name)}</th><td>${esc(typeof value === 'number' ? score(value) : value)}</td></tr>`;
  });
  return `<table class="metrics"><caption>metrics</caption>${rows.join('')}</table>`;
}

/** Characters kept of one text a candidate wrote (goal, reason, summary, plan): a model can write a lot. */
export const TEXT_CAP = 8000;

function capped(text: string, id: string): string {
  if (text.length <= TEXT_CAP) return esc(text);
  return `${esc(text.slice(0, TEXT_CAP))}<span class="note"> … (cut at ${count(TEXT_CAP)} of ${count(text.length)} characters: <code>evolve show ${esc(id)}</code> prints all of it)</span>`;
}

/** Characters of the goal on a candidate's list line. */
const SUMMARY_GOAL = 90;

const yesNo = (v: number | null) => (v === null ? '—' : v ? 'yes' : 'no');

function summaryLine(data: ReportData, c: CandidateRow): string {
  const value = data.objective ? plotted(data, c) : c.score;
  const diff = c.diff_added === null && c.diff_removed === null ? '—' : `+${c.diff_added ?? 0}/−${c.diff_removed ?? 0}`;
  const tests = c.tests_passed === null && c.tests_failed === null ? '—' : `${c.tests_passed ?? 0}✓ ${c.tests_failed ?? 0}✗`;
  const marks = `${c.survived ? '<span class="mark-survivor" title="survived">★</span>' : ''}${c.id === data.best?.id ? '<span class="mark-best" title="best">◆</span>' : ''}`;
  const goal = firstLine(c.goal, SUMMARY_GOAL) || (c.parent_id === null ? 'the seed' : '(no goal recorded)');
  return `<summary><code>${esc(c.id)}</code><span>g${esc(c.generation)}</span><span class="status st-${esc(c.status)}">${esc(c.status)}</span>` +
    `<span>${esc(score(value))}</span><span>${esc(tests)}</span><span>${esc(diff)}</span>` +
    `<span>${esc(usd(c.cost_usd))}</span><span>${marks}</span><span class="goal">${esc(goal)}</span></summary>`;
}

export function renderCandidate(data: ReportData, c: CandidateRow): string {
  const reason = c.error ? `<p class="reason">${capped(c.error, c.id)}</p>` : '';
  const onPath = data.bestPath.has(c.id) && c.id !== data.best?.id ? ', on the path to the best' : '';
  const sep = ' · ';
  const judged = [
    `build ${yesNo(c.build_ok)}`,
    c.tests_passed === null && c.tests_failed === null ? '' : `tests ${count(c.tests_passed ?? 0)} passed, ${count(c.tests_failed ?? 0)} failed`,
    `score ${score(c.score)}`,
    c.diff_added === null && c.diff_removed === null ? '' : `diff +${count(c.diff_added ?? 0)} / −${count(c.diff_removed ?? 0)} lines`,
  ].filter(Boolean).join(sep);
  const gitFacts = [
    c.parent_id ? `parent ${link(c.parent_id)}` : 'the seed', c.branch ? `branch <code>${esc(c.branch)}</code>` : '',
    c.commit_sha ? `commit <code>${esc(c.commit_sha)}</code>` : '',
  ].filter(Boolean).join(sep);
  const tokens = `${count(c.input_tokens + c.cache_read_tokens + c.cache_write_tokens)} tokens in (${count(c.cache_read_tokens)} cache reads), ${count(c.output_tokens)} out`;
  const facts = [
    row('status', `${esc(c.status)}${c.survived ? ', survived' : ''}${c.id === data.best?.id ? ', the best' : ''}${onPath}`),
    row('judged', esc(judged)),
    row('cost', `${esc(usd(c.cost_usd))}${sep}${count(c.model_calls)} model call${c.model_calls === 1 ? '' : 's'}, ${tokens}${c.attempts > 1 ? `${sep}${c.attempts} attempts` : ''}`),
    row('git', gitFacts),
    row('time', c.started_at ? `${esc(c.started_at)}${c.finished_at ? ` (${esc(duration(c.started_at, c.finished_at))})` : ''}` : ''),
  ].join('');
  const text = (title: string, value: string | null) => (value ? `<h4>${esc(title)}</h4><div class="text">${capped(value, c.id)}</div>` : '');
  // The list line already shows a short one-line goal whole; a longer one is repeated here in full.
  const goal = c.goal !== null && firstLine(c.goal, SUMMARY_GOAL) === c.goal ? '' : text('goal', c.goal);
  return [
    `<details class="candidate" id="c-${esc(c.id)}">`, summaryLine(data, c),
    `<div class="body">${goal}${reason}<dl class="facts">${facts}</dl>${metricsHtml(data, c)}`,
    `${text('agent summary', c.agent_summary)}${text('plan', c.plan)}<h4>diff</h4>${diffHtml(c, data.diffs.get(c.id))}</div>`,
    '</details>',
  ].join('');
}

/** The column heads above the candidate list (the same grid as each summary line). */
export function candidateListHead(data: ReportData): string {
  const value = data.objective ? data.objective.metric : 'score';
  return `<div class="list-head"><span>id</span><span>gen</span><span>status</span><span>${esc(value)}</span>` +
    '<span>tests</span><span>diff</span><span>cost</span><span></span><span>goal</span></div>';
}
