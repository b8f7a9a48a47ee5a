/** What one proxied call is handled with: the proxy's options, ledger and recorders (shared by handler and reserve). */
import type { EventInput } from '../../lineage/events/index.ts';
import type { BudgetLedger } from './budget.ts';
import type { Redactor } from './redact.ts';
import type { ToolCallTracker } from './tool-calls.ts';
import type { BudgetExhausted, ModelCallRecord, ProxyEventKind, ProxyOptions, RetryOptions } from './types.ts';

export interface CallContext {
  options: ProxyOptions;
  ledger: BudgetLedger;
  redactor: Redactor;
  retry: Required<RetryOptions>;
  signal: AbortSignal;
  /** Runs a recorder call; a failing store is logged, never allowed to break the candidate's call. */
  record: (what: string, fn: () => unknown) => Promise<void>;
  onCall: (call: ModelCallRecord) => void;
  onExhausted: (info: BudgetExhausted) => void;
  onClientClosed: (candidateId: string) => void;
  log: (line: string) => void;
  /** Tool uses in the answers, matched with their results in the next requests. */
  tools: ToolCallTracker;
  /**
   * Records an event the proxy derived for a candidate (a refused call, a tool call it saw); past a bound per
   * candidate they are counted and dropped, so a candidate cannot flood lineage.db with refused calls.
   */
  event: <K extends ProxyEventKind>(candidateId: string, kind: K, data: EventInput<K>) => Promise<void>;
}
