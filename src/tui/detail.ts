import type { CandidateRow } from '../lineage/schema.ts';
import type { CandidateActivity } from './activity.ts';
import { formatCost, formatDiff, formatDuration, formatScore, formatTokens, truncate } from './format.ts';
import { STATUS_COLOR } from './theme.ts';

/** The detail pane's lines for one candidate: a label column and text cut to the width, at most `maxLines`. */
export interface DetailLine {
  label: string;
  text: string;
  color?: string;
  bold?: boolean;
}

const LABEL = 7;

export function detailLines(
  c: CandidateRow, activity: CandidateActivity | undefined, opts: { width: number; maxLines: number; bestId: string | null },
): DetailLine[] {
  const width = Math.max(10, opts.width - LABEL);
  const cut = (t: string) => truncate(t, width);
  const isSeed = c.generation === 0 && c.parent_id == null;
  const tags = [c.id, `gen ${c.generation}`, c.status === 'running' && c.phase ? `running: ${c.phase}` : c.status, c.survived ? 'survivor' : '', c.id === opts.bestId ? 'best' : '',
    c.score != null ? `score ${formatScore(c.score)}` : '', c.attempts > 1 ? `${c.attempts} attempts` : '',
    c.worker ? `on ${c.worker}` : ''].filter(Boolean);
  const lines: DetailLine[] = [{ label: '', text: cut(tags.join(' · ')), color: STATUS_COLOR[c.status], bold: true }];
  lines.push({ label: 'goal', text: cut(c.goal ?? (isSeed ? 'seed: the target HEAD' : '(not reported yet)')) });
  if (c.plan) lines.push({ label: 'plan', text: cut(c.plan) });
  const branch = c.branch ?? (isSeed ? `target HEAD${c.commit_sha ? ` ${c.commit_sha.slice(0, 10)}` : ''}` : '(none yet)');
  lines.push({ label: 'branch', text: cut(`${branch}${c.commit_sha && !isSeed ? ` @ ${c.commit_sha.slice(0, 10)}` : ''}`) });
  lines.push({ label: 'checks', text: cut(checks(c, activity)) });
  const calls = activity?.toolCalls ?? [];
  calls.slice(-3).forEach((t, i) => {
    const mark = t.ok == null ? '·' : t.ok ? '✓' : '✗';
    const ms = t.ms != null ? ` (${t.ms < 1000 ? `${t.ms}ms` : formatDuration(t.ms)})` : '';
    lines.push({ label: i === 0 ? 'tools' : '', text: cut(`${mark} ${t.tool}  ${t.summary}${ms}`), color: t.ok === false ? 'red' : undefined });
  });
  if (c.error) lines.push({ label: 'error', text: cut(c.error), color: 'red' });
  if (c.agent_summary) lines.push({ label: 'agent', text: cut(c.agent_summary) });
  if (lines.length <= opts.maxLines) return lines;
  // Too tall for the terminal: the error matters more than the middle lines.
  const tail = c.error && opts.maxLines > 1 ? lines.filter((l) => l.label === 'error') : [];
  return [...lines.filter((l) => l.label !== 'error').slice(0, Math.max(1, opts.maxLines - tail.length)), ...tail];
}

function checks(c: CandidateRow, a: CandidateActivity | undefined): string {
  const buildOk = c.build_ok != null ? c.build_ok === 1 : a?.build?.ok ?? null;
  const build = buildOk == null ? 'build –' : `build ${buildOk ? 'ok' : 'FAILED'}${a?.build?.ms != null ? ` (${formatDuration(a.build.ms)})` : ''}`;
  const passed = c.tests_passed ?? a?.tests?.passed ?? null;
  const failed = c.tests_failed ?? a?.tests?.failed ?? null;
  const tests = passed == null && failed == null ? 'tests –' : `tests ${passed ?? '?'} passed, ${failed ?? '?'} failed`;
  const diff = formatDiff(c.diff_added, c.diff_removed);
  const tokens = `${formatTokens((c.input_tokens ?? 0) + (c.cache_read_tokens ?? 0) + (c.cache_write_tokens ?? 0))} in/${formatTokens(c.output_tokens)} out`;
  return [build, tests, diff ? `diff ${diff}` : 'diff –', tokens, formatCost(c.cost_usd)].join(' · ');
}
