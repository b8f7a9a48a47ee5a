/**
 * Setting up `evolve run --queue`: Redis checked before anything is created, the proxy opened on TCP for the
 * workers (`--listen`), the BullMQ queue, and the executor the generation loop hands its children to.
 */
import { existsSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { UsageError } from '../../errors.ts';
import type { ChildExecutor } from '../child.ts';
import type { RunObserver } from '../observer.ts';
import type { Proxy } from '../proxy/index.ts';
import type { Git } from '../repo/git.ts';
import { QueuedExecutor, type QueueDeps } from './executor.ts';
import { QUEUE_NAME, parseListen, parseQueueUrl } from './protocol.ts';
import { settleWithin } from './abortable.ts';

const connectionOf = (url: string) => ({ ...parseQueueUrl(url), maxRetriesPerRequest: null });

/** Refuses a queue that does not answer within a few seconds (bad input, before the run is recorded). */
export async function checkQueue(url: string): Promise<void> {
  const queue = new Queue(QUEUE_NAME, { connection: { ...connectionOf(url), connectTimeout: 3000, retryStrategy: () => null } });
  queue.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000); });
    await Promise.race([queue.getJobCounts('wait'), timeout]);
  } catch (err) {
    throw new UsageError(`--queue ${url}: Redis does not answer (${err instanceof Error ? err.message : String(err)}); start redis-server there or fix the address`);
  } finally {
    clearTimeout(timer);
    await queue.close().catch(() => {});
  }
}

/** The queue's flags checked together (bad input, exit 2); returns the remote of a queued run (undefined without --queue). */
export function checkQueueOptions(o: { queue?: string; listen?: string; proxyUrl?: string; remote?: string }, target: string): string | undefined {
  const queueOnly = o.listen ? '--listen' : o.proxyUrl ? '--proxy-url' : o.remote ? '--remote' : null;
  if (!o.queue) {
    if (queueOnly) throw new UsageError(`${queueOnly} is for a run with --queue (workers on other machines)`);
    return undefined;
  }
  parseQueueUrl(o.queue);
  if (o.listen) parseListen(o.listen);
  if (o.proxyUrl) checkProxyUrl(o.proxyUrl);
  return resolveRemote(o.remote, target);
}

/** `--proxy-url`: an http(s) URL workers can reach. */
export function checkProxyUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--proxy-url ${url}: not a URL (expected http(s)://<host>:<port>)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--proxy-url ${url}: expected http(s)://<host>:<port>`);
  return url.replace(/\/+$/, '');
}

/** `--remote`: an existing path or a URL (default: the target itself, which workers on this machine can read). */
export function resolveRemote(remote: string | undefined, target: string): string {
  if (remote === undefined) return target;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/\s]+@[^/\s:]+:/.test(remote);
  if (isUrl) return remote;
  if (!existsSync(remote)) throw new UsageError(`--remote ${remote}: no such repository (a path both the runner and the workers see, or a URL)`);
  return path.resolve(remote);
}

export interface QueueSession {
  executor: (deps: QueueDeps) => ChildExecutor;
  close(): Promise<void>;
}

export async function startQueue(o: {
  queue: string; listen: string | undefined; proxyUrl: string | undefined; remote: string; target: string; runId: string; git: Git; proxy: Proxy;
  observer?: RunObserver;
}): Promise<QueueSession> {
  const listen = parseListen(o.listen ?? '127.0.0.1:0');
  const bound = await o.proxy.listenTcp(listen.host, listen.port);
  const wildcard = bound.host === '0.0.0.0' || bound.host === '::';
  const host = wildcard ? hostname() : bound.host;
  // Behind a TLS reverse proxy or a tunnel, workers are told its address instead (--proxy-url).
  const proxyUrl = o.proxyUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
  const queue = new Queue(QUEUE_NAME, { connection: connectionOf(o.queue) });
  let down = false;
  queue.on('error', (err) => {
    if (!down) o.observer?.log?.(`queue: Redis at ${o.queue} cannot be reached (${err.message}); waiting for it (Ctrl-C stops the run, --resume continues it)`);
    down = true;
  });
  (await queue.client).on('ready', () => {
    if (down) o.observer?.log?.('queue: Redis is back');
    down = false;
  });
  const same = (a: string, b: string) => existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b);
  const remoteIsTarget = same(o.remote, o.target);
  o.observer?.log?.(`queue: ${o.queue}; workers reach the proxy at ${proxyUrl}; git remote: ${o.remote}`);
  return {
    executor: (ctx) => new QueuedExecutor(ctx, { queue, remote: o.remote, remoteIsTarget, proxyUrl, observer: o.observer }),
    async close() {
      // The seed's ref, and the refs of attempts whose jobs were lost (they pushed, nobody took their result).
      const refs = await o.git.remoteRefs(o.remote, `refs/evolve/${o.runId}/*`).catch(() => [] as string[]);
      await o.git.pushRefs(o.remote, refs.map((r) => `:${r}`)).catch(() => {});
      // With Redis gone (a run stopped while waiting for it), closing would wait for it forever.
      await settleWithin(queue.close(), 3000);
      await queue.disconnect().catch(() => {});
    },
  };
}
