/** One candidate call through the proxy: check, reserve, forward, answer, settle, record. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { costNanos, maxOutputTokens, nanosToUsd, priceFor, type Price } from './prices.ts';
import type { Hold } from './budget.ts';
import { errorBody, sendError, type ApiErrorType } from './errors.ts';
import { CountTokensBody, MessagesBody, forwardedBetas, parseBody, policyViolation } from './request.ts';
import { reserveCall } from './reserve.ts';
import { capTranscript, MAX_TRANSCRIPT_CHARS } from './transcript.ts';
import { candidateHeaders, pipeStream, sendBuffered, type Answered } from './respond.ts';
import { totalTokens, usageOf } from './stream.ts';
import type { CallContext } from './call-context.ts';
import type { BudgetExhausted, ModelCallRecord } from './types.ts';

export type { CallContext };
import { callUpstream, type UpstreamResult } from './upstream.ts';


/** Headers the proxy sets itself, whatever the candidate sent. */
const OWN_HEADERS = new Set(['anthropic-beta', 'anthropic-version']);

function upstreamRequest(ctx: CallContext, req: IncomingMessage, path: string, beta: boolean) {
  const { upstream } = ctx.options;
  const headers: Record<string, string> = { ...upstream.headers };
  // Every anthropic-* header the client sent goes on as it is (a real client's options, e.g. its
  // dangerous-direct-browser-access or a new one); anthropic-beta only without the betas the proxy refuses.
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('anthropic-') && !OWN_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  Object.assign(headers, {
    'content-type': 'application/json',
    accept: req.headers.accept ?? 'application/json',
    'accept-encoding': 'identity',
    'anthropic-version': String(req.headers['anthropic-version'] ?? '2023-06-01'),
    'x-api-key': upstream.apiKey,
  });
  const betas = forwardedBetas(req.headers['anthropic-beta']);
  if (betas) headers['anthropic-beta'] = betas;
  const url = `${upstream.baseUrl.replace(/\/+$/, '')}${path}${beta ? '?beta=true' : ''}`;
  return { url, headers };
}

/** Refuses a candidate's call in the API's own error shape and records it as a `model_refused` event. */
export async function refuse(
  ctx: CallContext, res: ServerResponse, candidateId: string,
  call: { path: string; model: string | null; status: number; type: ApiErrorType; reason: string },
): Promise<void> {
  sendError(res, call.status, call.type, call.reason);
  await ctx.event(candidateId, 'model_refused', { path: call.path, model: call.model, status: call.status, reason: call.reason.slice(0, 500) });
}

/** Checks shared by both endpoints: JSON, policy, the run's models. Answers (and records) and returns null when refused. */
async function checkBody<T extends { model: string }>(
  ctx: CallContext, res: ServerResponse, json: unknown, schema: Parameters<typeof parseBody<T>>[0], candidateId: string, path: string,
): Promise<T | null> {
  const parsed = parseBody(schema, json);
  const no = (model: string | null, reason: string) => refuse(ctx, res, candidateId, { path, model, status: 400, type: 'invalid_request_error', reason });
  if (!parsed.ok) {
    await no(modelOf(json), parsed.message);
    return null;
  }
  const body = parsed.body;
  if (!ctx.options.models.includes(body.model) || !priceFor(ctx.options.prices, body.model)) {
    await no(body.model, `model "${body.model}" is not allowed for this run (allowed: ${ctx.options.models.join(', ')})`);
    return null;
  }
  const violation = policyViolation(body as Parameters<typeof policyViolation>[0]);
  if (violation) {
    await no(body.model, violation);
    return null;
  }
  return body;
}

/** The model a body names, when it is JSON enough to say (for the record of a refused call). */
function modelOf(json: unknown): string | null {
  const model = json !== null && typeof json === 'object' ? (json as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model.slice(0, 200) : null;
}

/** count_tokens is free: checked and forwarded, never billed. */
export async function handleCountTokens(
  ctx: CallContext, req: IncomingMessage, res: ServerResponse, raw: Buffer, json: unknown, beta: boolean, candidateId: string,
): Promise<void> {
  if (!(await checkBody(ctx, res, json, CountTokensBody, candidateId, '/v1/messages/count_tokens'))) return;
  const { url, headers } = upstreamRequest(ctx, req, '/v1/messages/count_tokens', beta);
  const result = await callUpstream({ url, headers, body: raw, retry: ctx.retry, signal: ctx.signal, onRetry: () => {} });
  const scrub = (s: string) => ctx.redactor.string(s);
  if (result.kind === 'buffered') {
    sendBuffered(res, result.status, candidateHeaders(result.headers, scrub), result.body, scrub);
  } else if (result.kind === 'stream') {
    await result.response.body?.cancel();
    sendError(res, 502, 'api_error', 'the upstream answered count_tokens with a stream');
  } else {
    sendError(res, 502, 'api_error', `the model API could not be reached: ${scrub(result.error)}`);
  }
}

export async function handleMessages(
  ctx: CallContext, req: IncomingMessage, res: ServerResponse, raw: Buffer, json: unknown, beta: boolean, candidateId: string,
): Promise<void> {
  const body = await checkBody(ctx, res, json, MessagesBody, candidateId, '/v1/messages');
  if (!body) return;
  const { options } = ctx;
  // The results of the tools the model asked for in earlier answers: what the agent did, as `tool_call` events.
  for (const call of ctx.tools.resolved(candidateId, body.messages)) {
    await ctx.event(candidateId, 'tool_call', { tool: call.tool, ok: call.ok, ms: call.ms, summary: call.summary, source: 'proxy' });
    if (call.denied) await ctx.event(candidateId, 'sandbox_denied', { tool: call.tool, what: call.denied.what, detail: call.denied.detail, source: 'proxy' });
  }
  const price = priceFor(options.prices, body.model)!;
  const ceiling = maxOutputTokens(price, body.model);
  if (body.max_tokens > ceiling) {
    // As the API answers it, before any budget is asked: no answer can be longer, so no reservation is sized by it.
    return refuse(ctx, res, candidateId, { path: '/v1/messages', model: body.model, status: 400, type: 'invalid_request_error',
      reason: `max_tokens: ${body.max_tokens} > ${ceiling}, which is the maximum allowed number of output tokens for ${body.model}` });
  }
  const { hold, sizedBy, waitedMs } = await reserveCall(ctx, raw, json, body, price, candidateId, (path) => upstreamRequest(ctx, req, path, beta),
    () => res.destroyed);
  if (!('candidate' in hold) && !ctx.ledger.has(candidateId)) {
    // Dismissed (its agent ended) while the call was being sized or waited: no budget of its own was short.
    return refuse(ctx, res, candidateId, { path: '/v1/messages', model: body.model, status: 401, type: 'authentication_error', reason: 'this candidate\'s token was revoked while the call waited' });
  }
  if (!('candidate' in hold)) {
    const what = hold.unit === 'usd'
      ? `needs up to $${hold.neededUsd.toFixed(4)} (max_tokens ${body.max_tokens}), $${hold.remainingUsd.toFixed(4)} left`
      : `needs up to ${hold.neededUsd} tokens, ${hold.remainingUsd} left`;
    const message = `the ${hold.scope === 'run' ? "run's" : "candidate's"} budget is exhausted: this call ${what}`;
    await refuse(ctx, res, candidateId, { path: '/v1/messages', model: body.model, status: 402, type: 'billing_error', reason: message });
    const info: BudgetExhausted = { scope: hold.scope, candidateId, neededUsd: hold.neededUsd, remainingUsd: hold.remainingUsd };
    await ctx.record('budget_exhausted', () => options.recorder.appendEvent({
      runId: options.runId, candidateId, kind: 'budget_exhausted',
      data: { scope: hold.scope, unit: hold.unit, needed: hold.neededUsd, remaining: Number.isFinite(hold.remainingUsd) ? hold.remainingUsd : null, model: body.model,
        sized_by: sizedBy },
    }));
    ctx.onExhausted(info);
    return;
  }

  const started = Date.now();
  // A candidate that hangs up is noticed at once, but its call goes on until the usage is known.
  let clientClosed = false;
  res.on('close', () => {
    if (res.writableFinished || clientClosed) return;
    clientClosed = true;
    ctx.onClientClosed(candidateId);
  });
  const { url, headers } = upstreamRequest(ctx, req, '/v1/messages', beta);
  const scrub = (s: string) => ctx.redactor.string(s);
  let result: UpstreamResult | undefined;
  let answered: Answered | undefined;
  let failure: string | undefined;
  try {
    result = await callUpstream({
      url, headers, body: raw, retry: ctx.retry, signal: ctx.signal,
      onRetry: (info) => {
        void ctx.record('model_retry', () => options.recorder.appendEvent({
          runId: options.runId, candidateId, kind: 'model_retry',
          data: { model: body.model, status: info.status, attempt: info.attempt, delay_ms: info.delayMs,
            ...(info.error ? { error: scrub(info.error) } : {}) },
        }));
      },
    });
    if (result.kind === 'stream') {
      answered = await pipeStream(res, result.response, candidateHeaders(result.response.headers, scrub), scrub);
      if (answered.streamError) failure = `upstream stream broke: ${scrub(answered.streamError)}`;
      else if (answered.apiError) failure = `upstream stream ended with ${answered.apiError}`;
    } else if (result.kind === 'buffered') {
      const passed = candidateHeaders(result.headers, scrub);
      if (result.status >= 400 && result.attempts > 1) passed['x-should-retry'] = 'false';
      answered = sendBuffered(res, result.status, passed, result.body, scrub);
      if (result.status >= 400) failure = `upstream answered ${result.status}`;
    } else {
      failure = `the model API could not be reached after ${result.attempts} attempts: ${scrub(result.error)}`;
      sendError(res, 502, 'api_error', failure);
    }
  } finally {
    await finishCall(ctx, { candidateId, model: body.model, json, hold, price, started, result, answered, failure, clientClosed, waitedMs });
  }
}

interface Finished {
  candidateId: string;
  model: string;
  json: unknown;
  hold: Hold;
  price: Price;
  started: number;
  result?: UpstreamResult;
  answered?: Answered;
  failure?: string;
  clientClosed: boolean;
  waitedMs: number;
}

/**
 * Settles the reservation and records the call and its transcript. When the outcome is unknown — a successful
 * answer whose final usage never came, or a timeout after which the API may have done the work — the whole
 * reservation is charged: the record then states a bound, never less than was spent.
 */
async function finishCall(ctx: CallContext, f: Finished): Promise<void> {
  const { options } = ctx;
  const usage = usageOf(f.answered?.message);
  const status = f.result?.kind === 'stream' ? f.result.response.status : f.result?.kind === 'buffered' ? f.result.status : 502;
  const unknown = (status < 300 && !f.answered?.usageFinal) || (f.result?.kind === 'unreachable' && f.result.timedOut === true);
  const actual = costNanos(usage, f.price);
  const charged = unknown ? Math.max(actual, f.hold.nanos) : actual;
  ctx.ledger.settle(f.hold, charged, unknown ? Math.max(totalTokens(usage), f.hold.tokens) : totalTokens(usage));
  if (actual > f.hold.nanos) ctx.log(`proxy: a call of ${f.candidateId} cost more than its reservation (${actual} > ${f.hold.nanos} nano-USD)`);
  const call: ModelCallRecord = {
    runId: options.runId, candidateId: f.candidateId, model: f.model,
    inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens, cacheWriteTokens: usage.cacheWriteTokens,
    costUsd: nanosToUsd(charged), ms: Date.now() - f.started, status,
    stream: f.result?.kind === 'stream', attempts: f.result?.attempts ?? 1,
    stopReason: (f.answered?.message?.stop_reason as string | null | undefined) ?? null,
    ...(unknown ? { usageUnknown: true } : {}),
    ...(f.clientClosed ? { clientClosed: true } : {}),
    ...(f.waitedMs > 0 ? { waitedMs: f.waitedMs } : {}),
    ...(f.failure ? { error: f.failure } : {}),
  };
  await ctx.record('model_call', () => options.recorder.recordModelCall(call));
  if (status < 300) ctx.tools.answered(f.candidateId, f.answered?.message ?? null);
  ctx.onCall(call);
  const budget = { chars: MAX_TRANSCRIPT_CHARS };
  const request = ctx.redactor.json(capTranscript(f.json, budget));
  const response = ctx.redactor.json(capTranscript(f.answered?.response ?? errorBody('api_error', f.failure ?? 'no answer'), budget));
  await ctx.record('transcript', () => options.recorder.addTranscript({ runId: options.runId, candidateId: f.candidateId, request, response }));
}
