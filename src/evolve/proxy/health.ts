/**
 * Whether the model API answered anything at all: a generation in which every metered call failed upstream (the
 * API unreachable, a key it refuses, a model it does not know) produced nothing worth judging, and every further
 * generation would fail the same way — and the candidates' "empty diff" would hide the cause. The runner stops the
 * run there with the API's own answer as the reason (docs/run.md, "When the model API does not answer").
 */
import { readEventData } from '../../lineage/events/index.ts';

/** A model_call event as the store gives it back. */
export interface CallEvent { kind: string; data_json: string }

/**
 * The reason to stop, or null: at least one call was made and none got an answer below HTTP 400. Refused calls
 * (budget, max_tokens) are `model_refused` events, never sent upstream, and count for nothing either way.
 */
export function modelApiDown(generation: number, events: readonly CallEvent[]): string | null {
  let calls = 0;
  let last: string | null = null;
  for (const e of events) {
    if (e.kind !== 'model_call') continue;
    // Read with the event's schema: a row that does not say its status (an older evolve's) counts as answered.
    const data = readEventData('model_call', e.data_json);
    calls++;
    const status = data.status ?? 200;
    if (status < 400) return null;
    last = data.error ?? `upstream answered ${status}`;
  }
  if (calls === 0) return null;
  return `the model API answered none of generation ${generation}'s ${calls} call${calls === 1 ? '' : 's'} (last: ${last}); ` +
    'check ANTHROPIC_BASE_URL, the key and --model, then continue with --resume';
}
