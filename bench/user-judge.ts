/**
 * The user judge stage's overhead (docs/judge.md): the `judged` event's time for a judge of about half a second of
 * CPU in real runs (the jail, the write-back of the seed's judge files, the JSON read), against running the same
 * command by hand in a plain checkout. Prints JSON; target ≤ 1.1.
 *
 *   node --import tsx bench/user-judge.ts
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { startStandin } from '../src/standin/index.ts';
import { evolve, tempDir } from '../test/evolve/helpers.ts';
import { makeToyRepo, passingPlan, planScript } from '../test/evolve/toy.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** About 500 ms of CPU, then one JSON line: the shape of a typical benchmark judge. */
const JUDGE = `const until = process.cpuUsage().user + 500_000;
let x = 0;
while (process.cpuUsage().user < until) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
console.log(JSON.stringify({ work: 1, x: x > 0 ? 1 : 0 }));
`;

export async function judgeOverhead(samples = 3) {
  const repo = makeToyRepo({ 'bench.mjs': JUDGE });
  const byHand: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = Date.now();
    const run = spawnSync('sh', ['-c', 'node bench.mjs'], { cwd: repo, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    byHand.push(Date.now() - t0);
  }
  const staged: number[] = [];
  for (let i = 0; i < samples; i++) {
    const standin = await startStandin({ script: planScript((k) => passingPlan(k + 1)), apiKey: 'sk-bench' });
    const db = path.join(tempDir(), 'lineage.db');
    const run = await evolve(['--population', '1', '--generations', '1', '--no-tui', '--target', repo, '--db', db, '--judge', 'node bench.mjs'],
      { ANTHROPIC_API_KEY: 'sk-bench', ANTHROPIC_BASE_URL: standin.url });
    await standin.close();
    if (run.code !== 0) throw new Error(run.stderr);
    const sql = new Database(db, { readonly: true });
    for (const row of sql.prepare("SELECT data_json FROM events WHERE kind = 'judged'").all() as { data_json: string }[]) {
      staged.push((JSON.parse(row.data_json) as { ms: number }).ms);
    }
    sql.close();
  }
  return {
    judgeCpuMs: 500, byHandMs: median(byHand), stageMs: median(staged), ratio: +(median(staged) / median(byHand)).toFixed(3), target: 1.1,
    byHandRuns: byHand, stageRuns: staged,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify({ judge: await judgeOverhead() }, null, 2) + '\n');
}
