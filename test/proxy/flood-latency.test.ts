/**
 * A candidate flooding the proxy (3,000 connections held on its socket, sixteen 30 MiB uploads kept going) while
 * another calls the model: the other's calls are all answered, and their median latency stays within a small
 * multiple of what it is with no flood, measured in the same run (`npm run bench -- proxy-flood` prints the figures).
 */
import { expect, it } from 'vitest';
import { measureFloodLatency } from './flood.ts';

it("another candidate's calls are answered as usual during a connection and body flood", async () => {
  const r = await measureFloodLatency({ calls: 30 });
  console.log(`flood latency: alone ${r.aloneMs.toFixed(1)} ms, during ${r.floodMs.toFixed(1)} ms (×${r.ratio.toFixed(1)}), slowest ${r.floodMaxMs.toFixed(1)} ms`);
  expect(r.floodStatuses).toEqual(Array(30).fill(200));
  // Two cores shared with other work: a generous bound, far below what an unbounded flood does (seconds).
  expect(r.floodMs).toBeLessThan(Math.max(10 * r.aloneMs, 150));
}, 60_000);
