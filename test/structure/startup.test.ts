/**
 * What each command loads before it does anything: the bundle's start (dist/cli.mjs, which every command and
 * `--help` load) holds commander and the commands' flags only; what a command does is a chunk of its own, loaded
 * when it runs. Built here with scripts/build.mjs's own options (in memory), so that a static import of the runner,
 * the view or a heavy package into the start-up path fails a test instead of slowing every command down.
 */
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (no types); bundleOptions returns esbuild's BuildOptions
import { bundleOptions } from '../../scripts/build.mjs';
import { DEFAULT_MAX_CONCURRENCY } from '../../src/evolve/config.ts';
import { HELP_MAX_CONCURRENCY } from '../../src/cli/run.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let meta: Metafile;

beforeAll(async () => {
  const result = await build({ ...bundleOptions(ROOT), write: false, metafile: true, logLevel: 'silent' });
  meta = result.metafile!;
}, 60_000);

const outputOf = (entry: string) => {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entry);
  if (!found) throw new Error(`no output for ${entry}`);
  return found[0];
};

/** The outputs an output loads before it runs (static imports, transitively), and the packages in them. */
function loadedWith(output: string): { packages: Set<string>; sources: Set<string> } {
  const seen = new Set<string>();
  const visit = (o: string) => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const i of meta.outputs[o].imports) if (i.kind === 'import-statement' && meta.outputs[i.path]) visit(i.path);
  };
  visit(output);
  const packages = new Set<string>();
  const sources = new Set<string>();
  for (const o of seen) {
    for (const i of meta.outputs[o].imports) if (i.external && !i.path.startsWith('node:')) packages.add(i.path);
    for (const input of Object.keys(meta.outputs[o].inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      if (pkg) packages.add(pkg);
      else sources.add(input);
    }
  }
  return { packages, sources };
}

const VIEW_AND_RUNNER = ['ink', 'react', 'react-reconciler', 'yoga-layout', 'bullmq', '@anthropic-ai/sdk'];

describe('start-up', () => {
  it('loads commander and the flags only: no store, no view, no runner, no zod', () => {
    const { packages, sources } = loadedWith(outputOf('src/cli.ts'));
    expect([...packages].sort()).toEqual(['commander']);
    // The plain progress printer (run, watch and demo fall back to it) is fine; the rooms are not.
    const light = new Set(['src/evolve/observer.ts']);
    const heavy = [...sources].filter((s) => /^src\/(tui|evolve|lineage|report|demo|agent|standin|tools)\//.test(s) && !light.has(s));
    expect(heavy).toEqual([]);
  });

  it('evolve lineage, show and export load the store, never Ink, React, BullMQ or the SDK', () => {
    for (const action of ['lineage', 'show', 'export']) {
      const { packages } = loadedWith(outputOf(`src/cli/actions/${action}.ts`));
      expect(packages.has('better-sqlite3'), action).toBe(true);
      expect(VIEW_AND_RUNNER.filter((p) => packages.has(p)), action).toEqual([]);
    }
  });

  it('the help text names the runner\'s default concurrency cap', () => {
    expect(HELP_MAX_CONCURRENCY).toBe(DEFAULT_MAX_CONCURRENCY);
  });
});
