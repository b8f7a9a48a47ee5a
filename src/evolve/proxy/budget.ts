/**
 * The budget ledger: a call reserves its worst case against its candidate and the run before it is forwarded, and
 * settles to its actual cost when the usage arrives. Reservation is synchronous (one event-loop turn), so however many
 * calls run at once, spent + reserved never passes a cap. Money is counted in integer nano-dollars.
 */
import { nanosToUsd, usdToNanos } from './prices.ts';

interface Account {
  limitNanos: number;
  spentNanos: number;
  reservedNanos: number;
  limitTokens: number;
  spentTokens: number;
  reservedTokens: number;
}

export interface Hold {
  readonly candidate: Account;
  readonly nanos: number;
  readonly tokens: number;
  settled: boolean;
}

export type Refusal = {
  scope: 'run' | 'candidate'; neededUsd: number; remainingUsd: number; unit: 'usd' | 'tokens';
  /** The call would fit once the calls in flight settle: what is short is reserved, not spent. */
  held?: boolean;
};

function account(limitUsd: number, spentUsd = 0, maxTokens?: number, spentTokens = 0): Account {
  const limitNanos = Number.isFinite(limitUsd) ? usdToNanos(limitUsd) : Infinity;
  return {
    limitNanos, spentNanos: usdToNanos(spentUsd), reservedNanos: 0,
    limitTokens: maxTokens ?? Infinity, spentTokens, reservedTokens: 0,
  };
}

const freeNanos = (a: Account) => a.limitNanos - a.spentNanos - a.reservedNanos;
const freeTokens = (a: Account) => a.limitTokens - a.spentTokens - a.reservedTokens;
/** True when `nanos` and `tokens` fit in what is not yet spent (reservations aside). */
const fitsUnspent = (a: Account, nanos: number, tokens: number) =>
  nanos <= a.limitNanos - a.spentNanos && tokens <= a.limitTokens - a.spentTokens;

export class BudgetLedger {
  private readonly run: Account;
  private readonly candidates = new Map<string, Account>();
  private waiters: (() => void)[] = [];

  constructor(run: { budgetUsd: number; spentUsd?: number; maxTokens?: number; spentTokens?: number }) {
    this.run = account(run.budgetUsd, run.spentUsd, run.maxTokens, run.spentTokens);
  }

  open(candidateId: string, budgetUsd: number, spentUsd = 0, maxTokens?: number, spentTokens = 0): void {
    this.candidates.set(candidateId, account(budgetUsd, spentUsd, maxTokens, spentTokens));
  }

  /** Forgets the candidate for new calls; holds already taken still settle against it. */
  close(candidateId: string): void {
    this.candidates.delete(candidateId);
  }

  has(candidateId: string): boolean {
    return this.candidates.has(candidateId);
  }

  /**
   * Takes `nanos` and `tokens` from both the candidate and the run, or refuses naming the cap that is short.
   * `floor` is what the call would need with an empty prompt (its output reservation): see `refusal`.
   */
  reserve(candidateId: string, nanos: number, tokens: number, floor?: { nanos: number; tokens: number }): Hold | Refusal {
    const refusal = this.refusal(candidateId, nanos, tokens, floor);
    if (refusal) return refusal;
    const candidate = this.candidates.get(candidateId)!;
    for (const a of [this.run, candidate]) {
      a.reservedNanos += nanos;
      a.reservedTokens += tokens;
    }
    return { candidate, nanos, tokens, settled: false };
  }

  /**
   * Why `reserve` would refuse this call now, or null when it would fit (nothing is taken). A call that could never
   * fit, whatever was spent, is the candidate's own refusal, so that one absurd request does not stop the run: one
   * larger than the candidate's whole cap, or one whose prompt alone makes it larger than the run's whole cap while
   * its output reservation (`floor`) would fit there.
   */
  refusal(candidateId: string, nanos: number, tokens: number, floor = { nanos, tokens }): Refusal | null {
    const candidate = this.candidates.get(candidateId);
    if (!candidate) return { scope: 'candidate', neededUsd: nanosToUsd(nanos), remainingUsd: 0, unit: 'usd' };
    const usd = (): Refusal => ({ scope: 'candidate', neededUsd: nanosToUsd(nanos), remainingUsd: nanosToUsd(Math.max(0, freeNanos(candidate))), unit: 'usd' });
    const toks = (): Refusal => ({ scope: 'candidate', neededUsd: tokens, remainingUsd: Math.max(0, freeTokens(candidate)), unit: 'tokens' });
    if (nanos > candidate.limitNanos || (nanos > this.run.limitNanos && floor.nanos <= this.run.limitNanos)) return usd();
    if (tokens > candidate.limitTokens || (tokens > this.run.limitTokens && floor.tokens <= this.run.limitTokens)) return toks();
    const checks: [Account, 'run' | 'candidate'][] = [[this.run, 'run'], [candidate, 'candidate']];
    const held = checks.every(([a]) => fitsUnspent(a, nanos, tokens));
    for (const [a, scope] of checks) {
      if (nanos > freeNanos(a)) {
        return { scope, neededUsd: nanosToUsd(nanos), remainingUsd: nanosToUsd(Math.max(0, freeNanos(a))), unit: 'usd', held };
      }
      if (tokens > freeTokens(a)) {
        return { scope, neededUsd: tokens, remainingUsd: Math.max(0, freeTokens(a)), unit: 'tokens', held };
      }
    }
    return null;
  }

  /** Replaces the hold by what the call actually cost. Idempotent. */
  settle(hold: Hold, actualNanos: number, actualTokens: number): void {
    if (hold.settled) return;
    hold.settled = true;
    for (const a of [this.run, hold.candidate]) {
      a.reservedNanos -= hold.nanos;
      a.reservedTokens -= hold.tokens;
      a.spentNanos += actualNanos;
      a.spentTokens += actualTokens;
    }
    const woken = this.waiters;
    this.waiters = [];
    for (const wake of woken) wake();
  }

  /**
   * Resolves when the next hold settles (or `signal` aborts): a call refused only for reservations (`held`) waits
   * here and tries again, instead of being refused for money that calls in flight may never spend.
   */
  /** Calls waiting for a hold to settle. */
  waiting(): number {
    return this.waiters.length;
  }

  nextSettle(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  runSpentUsd(): number {
    return nanosToUsd(this.run.spentNanos);
  }

  runRemainingUsd(): number {
    return nanosToUsd(freeNanos(this.run));
  }

  candidateSpentUsd(candidateId: string): number | undefined {
    const a = this.candidates.get(candidateId);
    return a ? nanosToUsd(a.spentNanos) : undefined;
  }

  /** True once the settled spend has reached a run cap (in-flight holds do not count: they may settle lower). */
  runSpent(): boolean {
    return this.run.spentNanos >= this.run.limitNanos || this.run.spentTokens >= this.run.limitTokens;
  }
}
