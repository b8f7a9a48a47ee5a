#!/usr/bin/env node
// Bundles the CLI into dist/cli.mjs and its lazily loaded chunks in dist/chunks/ so that `evolve` starts without
// the tsx loader: a fraction of the start-up time and ~60 MB less memory per process. Runs on `npm ci`/`npm install`
// (prepare). The agent is not bundled here: it is the code that evolves, so the runner bundles each parent's own
// agent for its children (src/evolve/jail/agent-bundle.ts).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

/**
 * Left to Node's loader, from node_modules: native or self-locating packages (better-sqlite3 finds its addon,
 * BullMQ reads its Lua scripts from its own folder, esbuild and tsx start binaries and loaders of their own), the
 * agent's SDK (never imported by the CLI), Ink's optional devtools, and `is-in-ci` and `chalk`, which
 * bin/ink-outside-ci.mjs loads before Ink so that Ink's CI checks answer for the terminal, not for an inherited
 * CI=true (one instance each, shared with the bundled Ink). Everything else — commander, zod, Ink, React and their dependencies — is bundled: loaded
 * from node_modules, each of their hundreds of small files cost Node a resolution, a read and a compile, and
 * react-reconciler (CommonJS) a scan of its exports; `evolve watch` spent ~0.5 s of CPU only loading Ink.
 */
export const EXTERNAL = ['better-sqlite3', 'bullmq', 'esbuild', 'tsx', 'tsx/*', '@anthropic-ai/sdk', 'react-devtools-core', 'is-in-ci', 'chalk'];

/** The esbuild options of the CLI bundle (test/structure/startup.test.ts builds with them too). */
export function bundleOptions(root) {
  return {
    entryPoints: { cli: path.join(root, 'src/cli.ts') },
    outdir: path.join(root, 'dist'),
    outExtension: { '.js': '.mjs' },
    // Each command's work (src/cli/actions/, the runner, the view) is imported when the command runs, and becomes a
    // chunk of its own: `--help` or `evolve lineage` never load Ink, React, the runner or BullMQ.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: EXTERNAL,
    // Bundled CommonJS (commander, React) calls require() for Node's modules; an ES module has none of its own.
    banner: { js: "import { createRequire as __evolveRequire } from 'node:module'; const require = __evolveRequire(import.meta.url);" },
    jsx: 'automatic',
    // React and Ink pick their production builds from NODE_ENV; the bundle reads it at run time like the sources do.
    logLevel: 'warning',
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  // Chunks are named by their content: the last build's must not pile up beside this one's.
  rmSync(path.join(root, 'dist', 'chunks'), { recursive: true, force: true });
  await build(bundleOptions(root));
}
