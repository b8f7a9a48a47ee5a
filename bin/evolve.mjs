#!/usr/bin/env -S node --optimize-for-size
// --optimize-for-size: evolve's own JavaScript is never the bottleneck (it waits on models, git and sandboxes), but a
// run or a watch stays open for hours, and V8's default heap growth let `evolve watch` on a 1,000-candidate run sit at
// ~200 MB RSS for a ~20 MB live heap; with this flag it stays near 125 MB (bench/tui.ts, watchProcess). The package
// scripts pass the same flag; `env -S` splits the line on Linux, which is where evolve runs (bubblewrap).
// The installed entry point. `npm ci` builds dist/cli.mjs (scripts/build.mjs); it is used while it is newer than
// every source file. Otherwise (a source edited since, no build, or EVOLVE_FROM_SOURCE=1) tsx — a runtime
// dependency — loads the TypeScript sources, because Node 20 cannot run .ts itself.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOutsideCi } from './ink-outside-ci.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.EVOLVE_FROM_SOURCE === '1') return false;
  try {
    return statSync(path.join(root, 'dist', 'cli.mjs')).mtimeMs >= newestSource(path.join(root, 'src'));
  } catch {
    return false;
  }
}

const cli = await loadOutsideCi(async () => {
  if (bundleIsFresh()) return import('../dist/cli.mjs');
  const { register } = await import('tsx/esm/api');
  // evolve's own tsconfig (automatic JSX runtime, ...), not one tsx would find in the user's working directory.
  register({ tsconfig: path.join(root, 'tsconfig.json') });
  return import('../src/cli.ts');
});
process.exitCode = await cli.main(process.argv);
