/**
 * `npm run bench -- proxy-flood [calls]`: one candidate's model-call latency through the proxy, alone and while
 * another candidate floods its own socket with 3,000 connections and sixteen 30 MiB uploads (test/proxy/flood.ts).
 */
import { measureFloodLatency } from '../test/proxy/flood.ts';

const calls = Number(process.argv[2] ?? 100);
const r = await measureFloodLatency({ calls });
const ms = (n: number) => `${n.toFixed(1)} ms`;
process.stdout.write(`proxy flood (${calls} calls each): median alone ${ms(r.aloneMs)}, during the flood ${ms(r.floodMs)} ` +
  `(×${r.ratio.toFixed(1)}), slowest during ${ms(r.floodMaxMs)}, ${r.floodStatuses.filter((s) => s === 200).length}/${calls} answered 200\n`);
