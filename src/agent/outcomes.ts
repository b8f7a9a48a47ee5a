/**
 * The named ways an attempt ends early. Each carries a one-line reason for the result line and the history;
 * anything else thrown is a crash (a bug), which main.ts reports as such.
 */
export class AttemptEnded extends Error {}

/** The proxy answered 402 billing_error: this candidate's budget is spent. */
export class BudgetExhausted extends AttemptEnded {
  constructor(detail: string) {
    super(`budget exhausted: ${detail}`);
  }
}

/** The API kept failing after the SDK's retries (429/5xx/529), refused a request, or timed out. */
export class ApiFailure extends AttemptEnded {}

/** EVOLVE_DEADLINE is (nearly) here: no time for another model call. */
export class DeadlineReached extends AttemptEnded {
  constructor() {
    super('deadline reached (EVOLVE_DEADLINE)');
  }
}

/** The model could not give a valid structured answer, even when forced and told what was wrong. */
export class NoValidAnswer extends AttemptEnded {}
