/**
 * The stand-in: a Messages API server on loopback that answers from a script. Every room's tests and
 * `evolve demo` use it in place of the real API (which they never reach). It refuses what the real API refuses
 * (validate.ts), counts tokens and simulates prompt caching (cache.ts), and streams the real SSE sequence (reply.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { invalidReason } from './validate.ts';
import { PromptCache, countInputTokens } from './cache.ts';
import { buildMessage, sseEvents } from './reply.ts';
import type { ApiErrorSpec, MessagesRequest, RecordedRequest, Script } from './types.ts';

export interface StandinOptions {
  script: Script;
  /** 0 (default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  /** When set, requests must carry this key (x-api-key or Authorization: Bearer), else 401. */
  apiKey?: string;
  /** When set, other models get 404 not_found_error. */
  models?: string[];
  /** Prefixes shorter than this are not cached (the real minimum is 1024–4096 tokens depending on the model). */
  minCacheTokens?: number;
}

export interface Standin {
  /** Base URL for ANTHROPIC_BASE_URL, e.g. http://127.0.0.1:39123 */
  url: string;
  /** Every request received, refused ones included, in arrival order. */
  requests: RecordedRequest[];
  /** Resolves once `count` requests have been received. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? 'api_error';
}

export async function startStandin(options: StandinOptions): Promise<Standin> {
  const requests: RecordedRequest[] = [];
  const answered: MessagesRequest[] = [];
  const cache = new PromptCache(options.minCacheTokens ?? 1024);
  const waiters: { count: number; resolve: () => void }[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();

  const wake = (): void => {
    for (const w of [...waiters]) {
      if (requests.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve(true);
      const timer = setTimeout(() => { pendingTimers.delete(timer); resolve(true); }, ms);
      pendingTimers.add(timer);
      res.once('close', () => { clearTimeout(timer); pendingTimers.delete(timer); resolve(false); });
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const record: RecordedRequest = {
      at: new Date().toISOString(), method: req.method ?? '', path: (req.url ?? '').split('?')[0],
      headers: req.headers, body: raw, status: 0,
    };
    requests.push(record);
    wake();
    const fail = (spec: ApiErrorSpec): void => {
      record.status = spec.status;
      record.error = { type: spec.type, message: spec.message };
      sendError(res, spec);
    };

    const route = record.method === 'POST' ? record.path : '';
    if (route !== '/v1/messages' && route !== '/v1/messages/count_tokens') {
      return fail({ status: 404, type: 'not_found_error', message: `${record.method} ${record.path} is not a Messages API route` });
    }
    if (options.apiKey !== undefined && presentedKey(req) !== options.apiKey) {
      return fail({ status: 401, type: 'authentication_error', message: 'invalid x-api-key' });
    }
    if (!req.headers['anthropic-version']) {
      return fail({ status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return fail({ status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON.' });
    }
    record.body = body;
    const countOnly = route === '/v1/messages/count_tokens';
    const reason = invalidReason(body, countOnly);
    if (reason) return fail({ status: 400, type: 'invalid_request_error', message: reason });
    const request = body as MessagesRequest;
    if (options.models && !options.models.includes(request.model)) {
      return fail({ status: 404, type: 'not_found_error', message: `model: ${request.model}` });
    }
    if (countOnly) {
      record.status = 200;
      const input_tokens = countInputTokens(request);
      record.usage = { input_tokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
      return sendJson(res, 200, { input_tokens });
    }

    let answer;
    try {
      answer = await options.script(request, { index: answered.length, previous: answered.at(-1), history: [...answered] });
    } catch (err) {
      return fail({ status: 500, type: 'api_error', message: `stand-in script failed: ${(err as Error).message}` });
    } finally {
      answered.push(request);
    }
    const alive = await wait(answer.delayMs ?? 0, res);
    if (!alive) {
      record.status = 499; // the client went away first
      return;
    }
    if ('error' in answer) return fail(answer.error);
    if (!('content' in answer)) {
      record.status = 0; // held, then dropped: no answer at all
      res.socket?.destroy();
      return;
    }
    const message = buildMessage(request, answer.content, answer.stop_reason, cache.account(request));
    record.status = 200;
    record.usage = {
      input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens,
      cache_creation_input_tokens: message.usage.cache_creation_input_tokens, cache_read_input_tokens: message.usage.cache_read_input_tokens,
    };
    if (!request.stream) return sendJson(res, 200, message);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': requestId() });
    const [start, ...rest] = sseEvents(message, answer.streamError);
    res.write(start);
    if (answer.streamStallMs && !(await wait(answer.streamStallMs, res))) return;
    for (const event of rest) res.write(event);
    if (answer.streamError) record.error = answer.streamError;
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, { status: 500, type: 'api_error', message: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitForRequests(count) {
      return new Promise((resolve) => {
        waiters.push({ count, resolve });
        wake();
      });
    },
    close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function presentedKey(req: IncomingMessage): string | undefined {
  const key = req.headers['x-api-key'];
  if (typeof key === 'string') return key;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function requestId(): string {
  return `req_standin_${randomBytes(8).toString('hex')}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': requestId(), ...headers });
  res.end(text);
}

/** The real error body: {type:"error", error:{type, message}, request_id}; 429/529 carry retry-after. */
function sendError(res: ServerResponse, spec: ApiErrorSpec): void {
  const headers: Record<string, string> = {};
  if (spec.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.ceil(spec.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(spec.retryAfterMs);
  }
  const id = requestId();
  sendJson(res, spec.status, { type: 'error', error: { type: spec.type, message: spec.message }, request_id: id }, headers);
}
