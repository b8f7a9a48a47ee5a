/**
 * The metering proxy: the only way a candidate reaches the model. It serves the Messages API on a unix socket,
 * checks the candidate's token, reserves the call's worst case against the budgets, swaps in the real key, forwards
 * (with retries), streams the answer back, and records usage, cost and transcript as each call ends.
 */
import { EventEmitter } from 'node:events';
import { chmod, lstat, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { requirePrices } from './prices.ts';
import { BudgetLedger } from './budget.ts';
import { sendError } from './errors.ts';
import { handleCountTokens, handleMessages, refuse, type CallContext } from './handler.ts';
import { Redactor } from './redact.ts';
import { ToolCallTracker } from './tool-calls.ts';
import { DEFAULT_RETRY } from './upstream.ts';
import type { AdmitOptions, BudgetExhausted, ModelCallRecord, ProxyOptions } from './types.ts';

export interface Proxy extends EventEmitter {
  readonly socketPath: string;
  /** Opens a candidate's account and returns its token (its ANTHROPIC_API_KEY). Admitting again replaces the token. */
  admit(candidateId: string, options: AdmitOptions): string;
  /**
   * Also serves the candidate on a socket of its own, where only its token is accepted (bind that socket's
   * directory into its jail instead of the shared one). Closed by `dismiss`.
   */
  openSocket(candidateId: string, socketPath: string): Promise<void>;
  /** Revokes the candidate's token (and closes its own socket); its calls in flight still finish and are billed. */
  dismiss(candidateId: string): void;
  /** Settled spend of the run, resumed spend included. */
  spentUsd(): number;
  /** What the run may still reserve. */
  remainingUsd(): number;
  candidateSpentUsd(candidateId: string): number | undefined;
  /** True once a call was refused for the run's budget or the run's cap is reached: schedule nothing new. */
  runBudgetExhausted(): boolean;
  inFlight(): number;
  /** Calls waiting for calls in flight to settle before they can reserve (see reserve.ts). */
  waiting(): number;
  /** Stops accepting calls, waits up to `graceMs` (default 30 s) for calls in flight to be billed, then aborts them. */
  close(options?: { graceMs?: number }): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
/**
 * Requests one candidate may have in the proxy at once. Each may buffer up to MAX_BODY_BYTES in the runner before
 * its reservation is known: without a bound, hundreds of slow uploads from one jail would exhaust the runner's memory.
 */
export const MAX_CALLS_IN_FLIGHT = 16;
/** Events the proxy derives for one candidate (refused calls, tool calls, denials), each kind; past it they are counted only. */
export const MAX_DERIVED_EVENTS = 2000;

export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  requirePrices(options.prices, options.models);
  if (!options.upstream.apiKey) throw new Error('startProxy: upstream.apiKey is empty');
  const emitter = new EventEmitter();
  const ledger = new BudgetLedger({
    budgetUsd: options.runBudgetUsd, spentUsd: options.alreadySpentUsd,
    maxTokens: options.runMaxTokens, spentTokens: options.alreadySpentTokens,
  });
  const redactor = new Redactor();
  redactor.add(options.upstream.apiKey);
  const tokens = new Map<string, string>();
  const tokenOf = new Map<string, string>();
  const inFlight = new Set<Promise<void>>();
  const busy = new Map<string, number>();
  const abort = new AbortController();
  let runRefused = false;
  const log = options.log ?? (() => {});

  const ctx: CallContext = {
    options, ledger, redactor, signal: abort.signal,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    record: async (what, fn) => {
      try {
        await fn();
      } catch (err) {
        log(`proxy: recording ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    onCall: (call: ModelCallRecord) => emitter.emit('call', call),
    onExhausted: (info: BudgetExhausted) => {
      if (info.scope === 'run') runRefused = true;
      emitter.emit('budget_exhausted', info);
    },
    onClientClosed: (candidateId: string) => emitter.emit('client_closed', { candidateId }),
    log,
    tools: new ToolCallTracker(),
    event: async (candidateId, kind, data) => {
      const key = `${candidateId}\0${kind}`;
      const n = (derived.get(key) ?? 0) + 1;
      derived.set(key, n);
      if (n > MAX_DERIVED_EVENTS) return;
      await ctx.record(kind, () => options.recorder.appendEvent({ runId: options.runId, candidateId, kind, data }));
    },
  };
  const derived = new Map<string, number>();

  /** An HTTP server on a socket; when `only` is set, only that candidate's token is accepted there. */
  async function serve(socketPath: string, only?: string): Promise<Server> {
    const server = createServer((req, res) => {
      const done = route(req, res, only).catch((err) => {
        log(`proxy: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        sendError(res, 500, 'api_error', 'the evolve proxy failed on this call');
      });
      const tracked = done.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    });
    await removeStaleSocket(socketPath);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The jails run as the runner's own user, so its owner alone needs to connect.
    await chmod(socketPath, 0o600);
    return server;
  }

  async function shut(server: Server, socketPath: string): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.allSettled([...inFlight]);
    server.closeAllConnections();
    await closed;
    await unlink(socketPath).catch(() => {});
  }

  async function route(req: IncomingMessage, res: ServerResponse, only?: string): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    // A client's probe of the base URL (Claude Code sends HEAD / at start) is answered as the API answers a path it
    // does not serve, before any token is asked for; it is not a model call, so nothing is recorded.
    if ((req.method === 'HEAD' || req.method === 'GET') && path === '/') return notFound(res, req.method);
    const candidateId = authenticate(req);
    if (!candidateId) {
      return sendError(res, 401, 'authentication_error', 'invalid x-api-key: not a token of this evolve run');
    }
    if (only !== undefined && candidateId !== only) {
      return sendError(res, 401, 'authentication_error', 'invalid x-api-key: this socket serves another candidate');
    }
    const active = busy.get(candidateId) ?? 0;
    if (active >= MAX_CALLS_IN_FLIGHT) {
      res.setHeader('retry-after', '1');
      return refuse(ctx, res, candidateId, { path, model: null, status: 429, type: 'rate_limit_error', reason: `more than ${MAX_CALLS_IN_FLIGHT} calls in flight for this candidate` });
    }
    busy.set(candidateId, active + 1);
    try {
      return await routeCall(req, res, candidateId);
    } finally {
      const left = (busy.get(candidateId) ?? 1) - 1;
      if (left > 0) busy.set(candidateId, left);
      else busy.delete(candidateId);
    }
  }

  async function routeCall(req: IncomingMessage, res: ServerResponse, candidateId: string): Promise<void> {
    const [path, query = ''] = (req.url ?? '/').split('?');
    const endpoint = path === '/v1/messages' ? 'messages' : path === '/v1/messages/count_tokens' ? 'count' : null;
    if (!endpoint) {
      await ctx.event(candidateId, 'model_refused', { path: path.slice(0, 200), model: null, status: 404, reason: `${req.method} ${path.slice(0, 200)} is not served by the evolve proxy` });
      return notFound(res, req.method);
    }
    if (req.method !== 'POST') {
      return refuse(ctx, res, candidateId, { path, model: null, status: 405, type: 'invalid_request_error', reason: `${req.method} ${path}: use POST` });
    }
    const raw = await readBody(req);
    if (raw === null) {
      return refuse(ctx, res, candidateId, { path, model: null, status: 413, type: 'request_too_large', reason: `request body larger than ${MAX_BODY_BYTES} bytes` });
    }
    const beta = new URLSearchParams(query).get('beta') === 'true';
    if (endpoint === 'count') return handleCountTokens(ctx, req, res, raw, beta, candidateId);
    return handleMessages(ctx, req, res, raw, beta, candidateId);
  }

  function authenticate(req: IncomingMessage): string | undefined {
    const key = req.headers['x-api-key'];
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = (Array.isArray(key) ? key[0] : key) ?? bearer;
    return token ? tokens.get(token.trim()) : undefined;
  }

  const server = await serve(options.socketPath);
  const ownSockets = new Map<string, { server: Server; path: string }>();
  /** Candidate sockets being closed, by path: a socket reopened at the same path waits for its predecessor. */
  const shutting = new Map<string, Promise<void>>();

  const proxy = Object.assign(emitter, {
    socketPath: options.socketPath,
    admit(candidateId: string, admit: AdmitOptions): string {
      proxy.dismiss(candidateId);
      const token = `evolve-${randomBytes(24).toString('base64url')}`;
      tokens.set(token, candidateId);
      tokenOf.set(candidateId, token);
      redactor.add(token);
      ledger.open(candidateId, admit.budgetUsd, admit.spentUsd, admit.maxTokens, admit.spentTokens);
      return token;
    },
    async openSocket(candidateId: string, socketPath: string): Promise<void> {
      if (!tokenOf.has(candidateId)) throw new Error(`openSocket: ${candidateId} is not admitted`);
      if (ownSockets.has(candidateId)) throw new Error(`openSocket: ${candidateId} already has a socket`);
      await shutting.get(socketPath);
      ownSockets.set(candidateId, { server: await serve(socketPath, candidateId), path: socketPath });
    },
    dismiss(candidateId: string): void {
      const token = tokenOf.get(candidateId);
      if (token) tokens.delete(token);
      tokenOf.delete(candidateId);
      ledger.close(candidateId);
      // Tools asked for in the last answers ran (or not) after the agent's last call: their outcome is unknown.
      for (const use of ctx.tools.drain(candidateId)) {
        void ctx.event(candidateId, 'tool_call', { tool: use.tool, ok: null, ms: null, summary: use.summary, source: 'proxy' });
      }
      const own = ownSockets.get(candidateId);
      if (own) {
        ownSockets.delete(candidateId);
        const closing = shut(own.server, own.path).finally(() => shutting.delete(own.path));
        shutting.set(own.path, closing);
      }
    },
    spentUsd: () => ledger.runSpentUsd(),
    remainingUsd: () => Math.max(0, ledger.runRemainingUsd()),
    candidateSpentUsd: (candidateId: string) => ledger.candidateSpentUsd(candidateId),
    runBudgetExhausted: () => runRefused || ledger.runSpent(),
    inFlight: () => inFlight.size,
    waiting: () => ledger.waiting(),
    async close({ graceMs = 30_000 }: { graceMs?: number } = {}): Promise<void> {
      const servers = [{ server, path: options.socketPath }, ...ownSockets.values()];
      ownSockets.clear();
      for (const s of servers) {
        s.server.close();
        s.server.closeIdleConnections();
      }
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      clearTimeout(timer);
      abort.abort();
      await Promise.all([...servers.map((s) => shut(s.server, s.path)), ...shutting.values()]);
    },
  });
  return proxy;
}

/** The API's answer to a path it does not serve: 404 not_found_error (headers only, for HEAD). */
function notFound(res: ServerResponse, method: string | undefined): void {
  if (method !== 'HEAD') return sendError(res, 404, 'not_found_error', 'Not Found');
  res.writeHead(404, { 'content-type': 'application/json', 'x-should-retry': 'false' });
  res.end();
}

/** Reads the body, or null past the size limit (the rest is drained and dropped, so the answer still arrives). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        resolve(null);
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => { if (!over) resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

/** A socket left by a crashed run is removed; any other file at that path is an error. */
async function removeStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => null);
  if (!stat) return;
  if (!stat.isSocket()) throw new Error(`startProxy: ${path} exists and is not a socket`);
  await unlink(path);
}
