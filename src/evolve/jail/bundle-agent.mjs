#!/usr/bin/env node
/**
 * Bundles an agent written in TypeScript into one ES module, run by the runner inside a jail (of the runner's own
 * code, with evolve's esbuild: no code of the candidate runs here, but its files are read here, where nothing the
 * jail hides can be bundled in).
 *
 *   node bundle-agent.mjs <source root> <entry, relative to the root> <out file> <cwd | fixed>
 *
 * Every package is bundled in, so the module needs no node_modules at run time. `import.meta.url` in the agent's own
 * files becomes the URL that file has in the source tree when the agent runs — the workspace it runs in (`cwd`, a
 * package.json agent) or the root itself (`fixed`, evolve's built-in agent) — so the agent reads its prompts from
 * where it would under tsx. Exits 0 with the bundle written, 1 with esbuild's errors on stderr.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [root, entry, outfile, mode] = process.argv.slice(2);
if (!root || !entry || !outfile || (mode !== 'cwd' && mode !== 'fixed')) {
  process.stderr.write('usage: node bundle-agent.mjs <root> <entry> <out file> <cwd|fixed>\n');
  process.exit(2);
}

const rootUrl = mode === 'fixed' ? JSON.stringify(pathToFileURL(path.resolve(root) + '/').href) : '__evolvePathToFileURL(process.cwd() + "/").href';
const ownFiles = {
  name: 'source-urls',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      const rel = path.relative(root, args.path);
      if (rel.startsWith('..') || rel.split(path.sep).includes('node_modules')) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const ext = path.extname(args.path).slice(1).replace(/^[cm]/, '');
      return { contents: text.replaceAll('import.meta.url', `__evolveSourceUrl(${JSON.stringify(rel)})`), loader: ext, resolveDir: path.dirname(args.path) };
    });
  },
};

try {
  await build({
    absWorkingDir: path.resolve(root),
    entryPoints: [path.resolve(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    plugins: [ownFiles],
    logLevel: 'error',
    banner: {
      js: [
        "import { createRequire as __evolveCreateRequire } from 'node:module';",
        "import { pathToFileURL as __evolvePathToFileURL } from 'node:url';",
        'const require = __evolveCreateRequire(import.meta.url);',
        `const __evolveSourceUrl = (rel) => new URL(rel, ${rootUrl}).href;`,
      ].join('\n'),
    },
  });
} catch {
  process.exit(1); // esbuild has said why on stderr
}
