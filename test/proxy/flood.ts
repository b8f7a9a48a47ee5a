/**
 * What a flooding candidate costs the others: one candidate's call latency through the proxy, measured first alone
 * and then while another candidate (a process of its own) holds thousands of connections to its socket and keeps
 * sixteen 30 MiB uploads going. Shared by test/proxy/flood-latency.test.ts and bench/proxy-flood.ts.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { answerWith } from './fake-upstream.ts';
import { body, call, startRig } from './helpers.ts';

export interface FloodLatency {
  /** Median latency of the honest candidate's calls, ms, alone and during the flood. */
  aloneMs: number;
  floodMs: number;
  /** floodMs / aloneMs. */
  ratio: number;
  /** Slowest call during the flood, ms. */
  floodMaxMs: number;
  /** Statuses of the honest candidate's calls during the flood (all 200 when it is unaffected). */
  floodStatuses: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureFloodLatency(options: { calls?: number; connections?: number; uploads?: number } = {}): Promise<FloodLatency> {
  const calls = options.calls ?? 40;
  const rig = await startRig(answerWith({ input_tokens: 10, output_tokens: 10 }));
  try {
    const hog = rig.proxy.admit('hog', { budgetUsd: 1 });
    const other = rig.proxy.admit('other', { budgetUsd: 1 });
    const hogSocket = path.join(rig.dir, 'hog.sock');
    const otherSocket = path.join(rig.dir, 'other.sock');
    await rig.proxy.openSocket('hog', hogSocket);
    await rig.proxy.openSocket('other', otherSocket);
    const timed = async () => {
      const started = performance.now();
      const answer = await call(otherSocket, { body: body(), headers: { 'x-api-key': other } });
      return { ms: performance.now() - started, status: answer.status };
    };
    const series = async () => {
      const out: { ms: number; status: number }[] = [];
      for (let i = 0; i < calls; i++) out.push(await timed());
      return out;
    };
    await timed(); // warm up
    const alone = await series();
    const flood = spawn(process.execPath, [path.join(import.meta.dirname, 'fixtures', 'flooder.mjs'), hogSocket, hog,
      String(options.connections ?? 3000), String(options.uploads ?? 16)], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => flood.stdout!.once('data', () => resolve()));
    // Let the uploads get going before measuring.
    await new Promise<void>((resolve) => setTimeout(resolve, 500));
    const during = await series();
    flood.stdin!.end();
    await new Promise<void>((resolve) => flood.once('close', () => resolve()));
    const aloneMs = median(alone.map((c) => c.ms));
    const floodMs = median(during.map((c) => c.ms));
    return { aloneMs, floodMs, ratio: floodMs / aloneMs, floodMaxMs: Math.max(...during.map((c) => c.ms)), floodStatuses: during.map((c) => c.status) };
  } finally {
    await rig.close();
  }
}
