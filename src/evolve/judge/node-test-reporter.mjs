/**
 * The runner's own node:test reporter, added to every judged test process through NODE_OPTIONS (reports.ts). It
 * prints nothing; when a `node --test` run ends it writes that run's own totals (the `tests` / `pass` / `fail`
 * diagnostics node:test ends every run with) to a new file in EVOLVE_TEST_REPORT_DIR. A line the code under test
 * prints — a fake "ℹ pass 40" — is output, not a test event, so it never reaches this file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

let runs = 0;

export default async function* evolveReporter(source) {
  const totals = {};
  for await (const event of source) {
    if (event.type !== 'test:diagnostic' || event.data.nesting !== 0) continue;
    const m = /^(tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(String(event.data.message));
    if (m) totals[m[1]] = Number(m[2]);
  }
  const dir = process.env.EVOLVE_TEST_REPORT_DIR;
  if (dir && 'pass' in totals) {
    writeFileSync(path.join(dir, `node-test-${process.pid}-${++runs}.json`), JSON.stringify({ v: 1, ...totals }) + '\n', { flag: 'wx' });
  }
  yield* [];
}
