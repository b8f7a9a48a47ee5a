/**
 * A workspace's dependencies (src/evolve/repo/dependency-view.ts), in the runner's real jail: tools may write their
 * cache folders (Vite's node_modules/.vite-temp, .cache, ...) and nothing else of node_modules, what they write never
 * reaches the parent's copy, each workspace starts with empty caches of its own, and the judge can empty them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJailSandbox } from '../../src/evolve/jail/jail.ts';
import { candidateEnv } from '../../src/evolve/jail/sandbox.ts';
import { dependencyMounts, dependencyView, resetWritable, WRITABLE_DEP_DIRS } from '../../src/evolve/repo/dependency-view.ts';
import { probeSandbox } from '../../src/tools/sandbox/index.ts';
import { tempDir, writeFiles } from './helpers.ts';

function parentDeps(): string {
  const root = tempDir('evolve-deps-');
  writeFiles(root, {
    'node_modules/pkg/index.js': 'module.exports = 1;\n',
    'node_modules/.cache/babel/entry.json': '{"stale": true}\n',
  });
  return path.join(root, 'node_modules');
}

describe('dependencyView', () => {
  it('hardlinks the packages, and makes fresh, empty cache folders of the workspace\'s own', async () => {
    const from = parentDeps();
    const ws = tempDir('evolve-ws-');
    const to = path.join(ws, 'node_modules');
    const writable = await dependencyView(from, to);
    expect(writable).toEqual(WRITABLE_DEP_DIRS.map((d) => path.join(to, d)));
    expect(statSync(path.join(to, 'pkg/index.js')).ino).toBe(statSync(path.join(from, 'pkg/index.js')).ino);
    for (const dir of writable) expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(path.join(from, '.vite-temp'))).toBe(false);
    writeFileSync(path.join(to, '.cache', 'new'), 'x');
    await resetWritable(writable);
    expect(readdirSync(path.join(to, '.cache'))).toEqual([]);
  });
});

describe.skipIf(!probeSandbox().ok)('in the jail', () => {
  it('lets a tool write its caches and nothing else of node_modules; the parent\'s copy is untouched', async () => {
    const from = parentDeps();
    const ws = tempDir('evolve-ws-');
    mkdirSync(`${ws}.home`);
    const nodeModules = path.join(ws, 'node_modules');
    const depsWritable = await dependencyView(from, nodeModules);
    const sandbox = await createJailSandbox(ws);
    const script = [
      'echo bundled > node_modules/.vite-temp/vitest.config.mts.timestamp-1.mjs && echo vite-temp ok',
      'mkdir -p node_modules/.cache/ava && echo x > node_modules/.cache/ava/a && echo cache ok',
      'echo hacked > node_modules/pkg/index.js || echo pkg refused',
      'touch node_modules/planted || echo planted refused',
      'cp /bin/true node_modules/.vite/suid && chmod 4755 node_modules/.vite/suid && echo suid set',
    ].join('; ');
    const exit = await sandbox.run({
      command: ['sh', '-c', script], workspace: ws, env: candidateEnv({}, `${ws}.home`),
      ...dependencyMounts({ nodeModules, depsWritable }), network: 'none', timeoutMs: 30_000,
    });
    const output = exit.stdout + exit.stderr;
    expect(exit.exitCode, output).toBe(0);
    expect(output).toContain('vite-temp ok');
    expect(output).toContain('cache ok');
    expect(output).toContain('pkg refused');
    expect(output).toContain('planted refused');
    expect(readFileSync(path.join(from, 'pkg/index.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect(readdirSync(from).sort()).toEqual(['.cache', 'pkg']);
    expect(readdirSync(path.join(from, '.cache'))).toEqual(['babel']);
    expect(readFileSync(path.join(nodeModules, '.vite-temp/vitest.config.mts.timestamp-1.mjs'), 'utf8')).toBe('bundled\n');
    // The read-only view is not walked for set-id bits after the jail, but its writable folders are.
    expect(output).toContain('suid set');
    expect(statSync(path.join(nodeModules, '.vite', 'suid')).mode & 0o6000).toBe(0);
  });
});
