/**
 * Preloaded into every judged test process through NODE_OPTIONS (reports.ts): when the process is Jest's CLI, it
 * asks Jest for its JSON results in a new file of EVOLVE_TEST_REPORT_DIR (`--json --outputFile`), added to the
 * command line before Jest reads it. Jest prints its summary on stderr, where anything may print anything; its
 * results file holds its own count. Any other process (Jest's workers included) is left alone.
 */
'use strict';
const path = require('node:path');

const dir = process.env.EVOLVE_TEST_REPORT_DIR;
const main = process.argv[1] || '';
const asked = process.argv.some((a) => a === '--json' || a.startsWith('--outputFile'));
if (dir && !asked && /(^|[\\/])jest(\.js)?$/.test(main)) {
  process.argv.push('--json', `--outputFile=${path.join(dir, `jest-${process.pid}-${Date.now()}.json`)}`);
}
