/**
 * A small Messages API stand-in for the proxy's tests (node:http): answers JSON or SSE with the usage a test
 * chooses, can fail on purpose, and remembers every request it saw (headers included, to check the key).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UsageIn {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export interface SeenRequest {
  n: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export type Reply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; events: [string, unknown][]; headers?: Record<string, string>;
      /** Sends the events before `pauseAfter`, then waits for `gate` before the rest. */
      pauseAfter?: number; gate?: Promise<void>;
      /** Destroys the connection after this many events instead of finishing. */
      dropAfter?: number }
  /** Accepts the request and destroys the connection without an answer. */
  | { kind: 'drop' };

export type Script = (req: SeenRequest) => Reply | Promise<Reply>;

export function message(usage: UsageIn, text = 'hello', model = 'claude-sonnet-5-5') {
  return {
    id: 'msg_test', type: 'message', role: 'assistant', model,
    content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
    usage: { cache_read_input_tokens: 0, cache_creation_input_tokens: 0, ...usage },
  };
}

export function streamEvents(usage: UsageIn, text = 'hello world', model = 'claude-sonnet-5-5'): [string, unknown][] {
  const start = { ...message({ ...usage, output_tokens: 1 }, '', model), content: [], stop_reason: null };
  const half = Math.ceil(text.length / 2);
  return [
    ['message_start', { type: 'message_start', message: start }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['ping', { type: 'ping' }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(0, half) } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(half) } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens } }],
    ['message_stop', { type: 'message_stop' }],
  ];
}

export const sseText = (events: [string, unknown][]) =>
  events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

export function apiError(status: number, type: string, message = type): Reply {
  return { kind: 'json', status, body: { type: 'error', error: { type, message } } };
}

/** Answers every request with the given usage, as JSON or as a stream depending on `stream` in the body. */
export const answerWith = (usage: UsageIn, text?: string): Script => (req) =>
  req.body?.stream
    ? { kind: 'sse', events: streamEvents(usage, text, req.body.model) }
    : { kind: 'json', body: message(usage, text, req.body?.model) };

export interface FakeUpstream {
  url: string;
  /** Messages requests (count_tokens ones are answered apart, by `countTokens`, and kept in `counted`). */
  requests: SeenRequest[];
  script: Script;
  /** The prompt size count_tokens reports; null = answer 404 like an API without the endpoint. */
  countTokens: (body: any) => number | null;
  counted: SeenRequest[];
  /** Requests being answered right now, and the most at once. */
  active: number;
  maxActive: number;
  close(): Promise<void>;
}

export async function startFakeUpstream(script: Script): Promise<FakeUpstream> {
  const fake: FakeUpstream = {
    url: '', requests: [], script, active: 0, maxActive: 0, countTokens: () => null, counted: [],
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any = text;
    try { body = JSON.parse(text); } catch { /* kept as text */ }
    if (req.url?.startsWith('/v1/messages/count_tokens')) {
      fake.counted.push({ n: fake.counted.length + 1, path: req.url, headers: req.headers, body });
      const n = fake.countTokens(body);
      await reply(res, n === null ? apiError(404, 'not_found_error') : { kind: 'json', body: { input_tokens: n } });
      return;
    }
    const seen: SeenRequest = { n: fake.requests.length + 1, path: req.url ?? '', headers: req.headers, body };
    fake.requests.push(seen);
    fake.active++;
    fake.maxActive = Math.max(fake.maxActive, fake.active);
    try {
      await reply(res, await fake.script(seen));
    } finally {
      fake.active--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

async function reply(res: ServerResponse, r: Reply): Promise<void> {
  if (r.kind === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (r.kind === 'json') {
    const body = JSON.stringify(r.body);
    res.writeHead(r.status ?? 200, { 'content-type': 'application/json', 'request-id': 'req_test', ...r.headers });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_test', ...r.headers });
  if (r.dropAfter !== undefined) {
    res.write(sseText(r.events.slice(0, r.dropAfter)), () => res.socket?.destroy());
    return;
  }
  const cut = r.pauseAfter ?? r.events.length;
  res.write(sseText(r.events.slice(0, cut)));
  if (r.gate) await r.gate;
  res.end(sseText(r.events.slice(cut)));
}
