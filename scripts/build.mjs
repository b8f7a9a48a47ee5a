#!/usr/bin/env node
// Bundles the CLI into dist/cli.mjs and its lazily loaded chunks in dist/chunks/ (dependencies stay external) so
// that `evolve` starts without the tsx loader: a fraction of the start-up time and ~60 MB less memory per process.
// Runs on `npm ci`/`npm install` (prepare). The agent is not bundled here: it is the code that evolves, so the
// runner bundles each parent's own agent for its children (src/evolve/jail/agent-bundle.ts).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Chunks are named by their content: the last build's must not pile up beside this one's.
rmSync(path.join(root, 'dist', 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: { cli: path.join(root, 'src/cli.ts') },
  outdir: path.join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
  // The view (Ink, React) and other lazily imported parts become chunks of their own, loaded when a command imports
  // them: in one file, their imports of Ink and React were hoisted to its top and every command (`--help`,
  // `evolve lineage`) paid ~0.4 s of CPU to load them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  jsx: 'automatic',
  // React and Ink pick their production builds from NODE_ENV; the bundle reads it at run time like the sources do.
  logLevel: 'warning',
});
