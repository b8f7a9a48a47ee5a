import type { RunRow } from '../lineage/schema.ts';
import type { RunConfigView } from './config.ts';
import { formatCost, formatDuration, formatObjective, formatTokens, packSegments, progressBar, type Segment } from './format.ts';
import type { RunStats } from './stats.ts';

/**
 * The header as lines of segments for a given width: what to say (loud labels first), packed so that a narrow
 * terminal gets more lines instead of wrapped text. Missing config reads '?'.
 */
/** The objective's best value so far and the seed's (a run with a user judge). */
export interface ObjectiveSummary { metric: string | null; goal: 'max' | 'min'; best: number | null; seed: number | null }

export function headerLines(run: RunRow, config: RunConfigView, s: RunStats, width: number, objective?: ObjectiveSummary): Segment[][] {
  const q = (v: unknown) => (v == null ? '?' : String(v));
  const loud: Segment[] = [];
  if (config.standin) {
    loud.push({ text: ' STAND-IN MODEL ', color: 'yellow', bold: true, inverse: true });
    if (config.standinLabel) loud.push({ text: config.standinLabel, color: 'yellow' });
  }
  if (config.unsafeNoSandbox) loud.push({ text: ' UNSAFE: NO SANDBOX ', color: 'red', bold: true, inverse: true });
  const runStatus = run.status === 'running' ? 'running' : `${run.status}${run.stop_reason ? ` (${run.stop_reason})` : ''}`;
  const identity: Segment[] = [
    { text: `evolve ${run.id}`, bold: true },
    { text: runStatus, color: run.status === 'running' ? 'cyan' : run.status === 'done' ? 'green' : 'red' },
    { text: `target ${run.target || '?'}` },
    { text: `model ${q(config.model)}` },
  ];
  const budget = config.budgetUsd != null ? ` / ${formatCost(config.budgetUsd)}` : ' / ?';
  const overBudget = config.budgetUsd != null && s.costUsd >= config.budgetUsd * 0.9;
  const counts: Segment[] = [
    { text: `gen ${s.generation}/${q(s.generations)}`, bold: true },
    { text: `${s.running} running`, color: s.running ? 'cyan' : undefined },
    { text: `${s.done} done` },
    { text: `${s.failed} failed`, color: s.failed ? 'red' : undefined },
    { text: `${s.survivors} survivor${s.survivors === 1 ? '' : 's'}`, color: 'green' },
    { text: `${formatTokens(s.tokens)} tok` },
    { text: `${formatCost(s.costUsd)}${budget}`, color: overBudget ? 'red' : undefined },
  ];
  if (objective) {
    const change = objective.best != null && objective.seed != null ? formatObjective(objective.best, objective.seed).split(' ')[1] ?? '' : '';
    counts.push({ text: `best ${objective.metric ?? 'objective'} ${formatObjective(objective.best, null)}${change ? ` (${change} on the seed)` : ''}`, color: 'green', bold: true });
  }
  const barWidth = Math.max(10, Math.min(40, width - 34));
  const timing: Segment[] = [
    { text: `${progressBar(s.progress, barWidth)} ${Math.round(s.progress * 100)}%`, color: 'cyan' },
    { text: `elapsed ${formatDuration(s.elapsedMs)}` },
    { text: run.status === 'running' ? `eta ${s.etaMs == null ? '?' : formatDuration(s.etaMs)}` : '' },
  ];
  return [
    ...(loud.length ? packSegments(loud, width, 1) : []),
    ...packSegments(identity, width),
    ...packSegments(counts, width),
    ...packSegments(timing, width),
  ];
}
