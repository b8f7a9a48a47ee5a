#!/usr/bin/env node
// Bundles the CLI into dist/cli.mjs and its lazily loaded chunks in dist/chunks/ so that `evolve` starts without
// the tsx loader: a fraction of the start-up time and ~60 MB less memory per process. Runs on `npm ci`/`npm install`
// (prepare). The agent is not bundled here: it is the code that evolves, so the runner bundles each parent's own
// agent for its children (src/evolve/jail/agent-bundle.ts).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
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

/**
 * React's packages choose their build by NODE_ENV at run time (\`if (process.env.NODE_ENV === 'production')\` in each
 * entry file), so a bundle carried both: the development react-reconciler alone is 0.6 MB that \`evolve watch\`
 * parsed on every start and never ran, since the view runs React's production build (src/cli/watch.ts). This keeps
 * the production branch of those entry files only.
 */
const reactProductionOnly = {
  name: 'react-production-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](react|react-reconciler|scheduler)[\\/][\w-]+\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.replaceAll("process.env.NODE_ENV === 'production'", 'true'), loader: 'js' };
    });
  },
};

/**
 * Yoga (Ink's layout engine) carries its WebAssembly as a data: URL and, when \`fetch\` exists, loads it with fetch,
 * which on Node loads undici, Node's HTTP client: ~60 ms of CPU on every \`evolve watch\` start for no request at all.
 * Its own fallback decodes the data in place; this makes it take that path.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yoga-layout[\\/].*yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const patched = source.replaceAll('"function"!=typeof fetch', 'true');
      if (patched === source) throw new Error(`${args.path}: yoga's fetch check not found (a new yoga-layout?)`);
      return { contents: patched, loader: 'js' };
    });
  },
};

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
    plugins: [reactProductionOnly, yogaWithoutFetch],
    logLevel: 'warning',
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  // Chunks are named by their content: the last build's must not pile up beside this one's.
  rmSync(path.join(root, 'dist', 'chunks'), { recursive: true, force: true });
  await build(bundleOptions(root));
}
