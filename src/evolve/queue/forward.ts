/**
 * A worker's own proxy: what its jails call (on a unix socket bound into the jail, as on one machine). It holds no
 * key and meters nothing: it checks the jail's local token, swaps in the candidate's token at the runner's proxy
 * (which the job carries) and pipes the call there and the answer back, streams included. The runner's proxy checks,
 * meters and caps every call; this one only notes which candidates it refused for a budget (HTTP 402).
 */
import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ModelProxy } from '../ports.ts';

export interface ForwardProxy extends ModelProxy {
  readonly socketPath: string;
  /** A token for the candidate's jail, good only at this proxy (the runner's token never enters the jail). */
  admit(candidateId: string, options?: unknown): string;
  /** Which budget the runner's proxy refused this candidate a call for, if any. */
  exhausted(candidateId: string): 'run' | 'candidate' | false;
}

/** Headers that describe one hop, or the jail's credentials: never passed on. */
const DROPPED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'x-api-key', 'authorization', 'proxy-authorization']);

export async function startForwardProxy(socketPath: string, runner: { url: string; token: string }): Promise<ForwardProxy> {
  const tokens = new Map<string, string>();
  const refused = new Map<string, 'run' | 'candidate'>();
  const base = new URL(runner.url);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;

  const server = createServer((req, res) => {
    const key = req.headers['x-api-key'];
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const candidateId = tokens.get(String((Array.isArray(key) ? key[0] : key) ?? bearer ?? '').trim());
    if (!candidateId) return answer(res, 401, 'authentication_error', 'invalid x-api-key: not a token of this evolve worker');
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROPPED.has(k)) headers[k] = v;
    headers['x-api-key'] = runner.token;
    const upstream = send(new URL(req.url ?? '/', base), { method: req.method, headers }, (up) => {
      if (up.statusCode === 402) noteRefusal(candidateId, up, res);
      else {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      }
    });
    upstream.on('error', (err) => answer(res, 502, 'api_error', `the runner's proxy could not be reached: ${err.message}`));
    req.pipe(upstream);
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
  });

  /** A 402 is small: read it whole, note which budget it names, and hand it on unchanged. */
  function noteRefusal(candidateId: string, up: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    up.on('data', (c: Buffer) => chunks.push(c));
    up.on('end', () => {
      const body = Buffer.concat(chunks);
      const scope = body.toString('utf8').includes("run's budget") ? 'run' : 'candidate';
      if (refused.get(candidateId) !== 'run') refused.set(candidateId, scope);
      res.writeHead(402, up.headers);
      res.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);

  return {
    socketPath,
    admit(candidateId: string): string {
      for (const [t, id] of tokens) if (id === candidateId) tokens.delete(t);
      const token = `evolve-worker-${randomBytes(24).toString('base64url')}`;
      tokens.set(token, candidateId);
      return token;
    },
    dismiss(candidateId: string): void {
      for (const [t, id] of tokens) if (id === candidateId) tokens.delete(t);
    },
    exhausted: (candidateId) => refused.get(candidateId) ?? false,
    // The spend is the runner's to count.
    spentUsd: () => 0,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function answer(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}
