/**
 * Reserving a call's worst case. The byte bound is free and always safe but generous (a long conversation is sized
 * at about three times its real tokens); when it does not fit, the proxy asks the API's free count_tokens for the
 * prompt's real size and tries again with that (plus a margin), so a candidate near its cap is not cut off early.
 * A call that still does not fit only because of calls in flight (their worst cases are reserved, not spent — an
 * agent CLI's parallel subagents, each reserving max_tokens at the run model's price) waits for them to settle and
 * tries again; the caps hold all the same, since nothing is forwarded without its reservation.
 */
import { worstCaseNanos, type Price } from './prices.ts';
import type { Hold, Refusal } from './budget.ts';
import type { CallContext } from './call-context.ts';
import { promptTokenBound, usesOneHourCache, type MessagesBody } from './request.ts';
import { callUpstream } from './upstream.ts';

/** count_tokens calls itself an estimate: the reservation adds this share and a fixed margin. */
const COUNT_MARGIN = 0.05;
const COUNT_SLACK_TOKENS = 512;
/** Fields count_tokens accepts; anything else in a Messages body would make it answer 400. */
const COUNTED_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking'] as const;

export interface Reservation {
  hold: Hold | Refusal;
  /** How the prompt was sized: by its bytes or by count_tokens. */
  sizedBy: 'bytes' | 'count_tokens';
  /** How long the call waited for calls in flight to settle before it could reserve (0: it did not wait). */
  waitedMs: number;
}

export async function reserveCall(
  ctx: CallContext, raw: Buffer, json: unknown, body: MessagesBody, price: Price, candidateId: string,
  upstreamRequest: (path: string) => { url: string; headers: Record<string, string> },
  gone: () => boolean = () => false,
): Promise<Reservation> {
  const oneHour = usesOneHourCache(raw, json);
  const need = (prompt: number) => [worstCaseNanos(prompt, body.max_tokens, price, oneHour), prompt + body.max_tokens] as const;
  const [floorNanos, floorTokens] = need(0);
  const floor = { nanos: floorNanos, tokens: floorTokens };
  const reserve = (prompt: number) => ctx.ledger.reserve(candidateId, ...need(prompt), floor);
  let prompt = promptTokenBound(raw, ctx.options.inputTokensPerByte ?? 1, json);
  let sizedBy: Reservation['sizedBy'] = 'bytes';
  let hold = reserve(prompt);
  if ('candidate' in hold) return { hold, sizedBy, waitedMs: 0 };
  // When the output alone cannot fit (now or while calls in flight settle), no prompt size can help: the body is
  // not sent to count_tokens at all.
  const outputOnly = ctx.ledger.refusal(candidateId, floorNanos, floorTokens, floor);
  if (outputOnly && !outputOnly.held) return { hold: outputOnly, sizedBy, waitedMs: 0 };

  const counted = await countTokens(ctx, json, upstreamRequest('/v1/messages/count_tokens'));
  if (counted !== null) {
    prompt = Math.ceil(counted * (1 + COUNT_MARGIN)) + COUNT_SLACK_TOKENS;
    sizedBy = 'count_tokens';
    hold = reserve(prompt);
  }
  const started = Date.now();
  while (!('candidate' in hold) && hold.held && !ctx.signal.aborted && !gone()) {
    await ctx.ledger.nextSettle(ctx.signal);
    hold = reserve(prompt);
  }
  return { hold, sizedBy, waitedMs: Date.now() - started };
}

/** The prompt's tokens by the API's count, or null when it cannot say (no endpoint, an error, an odd answer). */
async function countTokens(ctx: CallContext, json: unknown, target: { url: string; headers: Record<string, string> }): Promise<number | null> {
  if (json === null || typeof json !== 'object') return null;
  const full = json as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const field of COUNTED_FIELDS) if (full[field] !== undefined) body[field] = full[field];
  const result = await callUpstream({
    ...target, body: Buffer.from(JSON.stringify(body)), retry: { ...ctx.retry, attempts: Math.min(ctx.retry.attempts, 2) },
    signal: ctx.signal, onRetry: () => {},
  });
  if (result.kind === 'stream') {
    await result.response.body?.cancel().catch(() => {});
    return null;
  }
  if (result.kind !== 'buffered' || result.status !== 200) return null;
  try {
    const n = (JSON.parse(result.body.toString('utf8')) as { input_tokens?: unknown }).input_tokens;
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
  } catch {
    return null;
  }
}
