/**
 * What the runner tells the outside while it works. The TUI (src/tui) reads lineage.db; a RunObserver is for
 * callers that want to be pushed to (tests, the plain stderr progress). Every callback is optional.
 */
import type { CandidateRow } from '../lineage/schema.ts';
import { plural } from '../plural.ts';
import { safeLine } from '../safe-text.ts';

export interface RunEvent { kind: string; candidateId: string | null; generation: number | null; data: Record<string, unknown> }

export interface RunSummary {
  runId: string;
  status: 'done' | 'stopped' | 'failed';
  stopReason: string | null;
  candidates: number;
  passed: number;
  best: CandidateRow | null;
  /** Ids from the seed to the best candidate. */
  lineage: string[];
  /** Prompt tokens, cached ones included. */
  inputTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface RunObserver {
  log?(line: string): void;
  event?(e: RunEvent): void;
  runFinished?(summary: RunSummary): void;
  /** Resolves once everything the observer prints about the run (its summary included) is out. */
  settled?(): Promise<void>;
}

const SHOWN = new Set(['forked', 'agent_started', 'agent_finished', 'committed', 'deps_installed', 'built', 'tested', 'scored', 'rejected', 'selected', 'pushed', 'error']);

/** Plain progress lines on a stream (stderr without a TTY, or with --no-tui). */
export class PlainProgress implements RunObserver {
  constructor(private readonly write: (text: string) => void, private readonly verbose = false) {}

  log(line: string): void {
    this.write(`evolve: ${line}\n`);
  }

  event(e: RunEvent): void {
    if (!this.verbose && !SHOWN.has(e.kind)) return;
    const who = e.candidateId ? `g${e.generation ?? '?'} ${e.candidateId}` : 'run';
    // One event, one line (an agent's summary or an error may span several), and no control characters from a candidate.
    this.write(`evolve: ${who} ${e.kind}${safeLine(describe(e).replace(/\s*\n\s*/g, ' ')).trimEnd()}\n`);
  }

  runFinished(s: RunSummary): void {
    const lines = [
      `run ${s.runId} ${s.status}${s.stopReason ? ` (${s.stopReason})` : ''}: ${plural(s.candidates, 'candidate')}, ${s.passed} passed`,
      s.best ? `best: ${s.best.id} (generation ${s.best.generation}, score ${s.best.score ?? '-'}) on ${s.best.branch ?? 'the seed commit'}` : 'best: none',
      `lineage: ${s.lineage.join(' → ') || '-'}`,
      `tokens: ${s.inputTokens} in (${s.cacheReadTokens} cache reads), ${s.outputTokens} out; cost $${s.costUsd.toFixed(4)}`,
    ];
    for (const line of lines) this.write(`evolve: ${line}\n`);
  }
}

function describe(e: RunEvent): string {
  const d = e.data;
  switch (e.kind) {
    case 'forked': return ` from ${d.parent_id} on ${d.branch}`;
    case 'agent_finished':
      if (!d.ok) return `: ${d.reason}`;
      return `${d.claimed === false ? ' (no claim)' : ''}${d.summary ? `: ${String(d.summary).slice(0, 100)}` : ''}`;
    case 'committed': return ` ${String(d.sha).slice(0, 10)}`;
    case 'built': return d.ok ? ' ok' : ' FAILED';
    case 'tested': return ` ${d.passed} passed, ${d.failed} failed`;
    case 'scored': return ` ${d.status} score ${d.score ?? '-'}${d.reason ? ` (${d.reason})` : ''}`;
    case 'rejected': return `: ${d.reason}`;
    case 'pushed': return ` ${d.branch} to ${d.remote}`;
    case 'error': return `: ${d.message}`;
    default: return '';
  }
}
