/**
 * The shape of src/ that keeps it walkable: no import cycle anywhere (type-only imports count: they tie the two
 * files together for a reader just the same), no file over 300 lines, at most a dozen files loose at the top of
 * src/evolve (the rest live in its sub-rooms).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');
const SOURCE = /\.(ts|tsx|mjs)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : SOURCE.test(name) ? [full] : [];
  });
}

/** Every relative module a file names: static imports and re-exports (type-only too) and dynamic import(). */
export function importsOf(file: string, source: string): string[] {
  // Template literals hold text, not imports (the demo writes a sample repository's files from them).
  const text = source.replace(/`(?:\\.|[^`\\])*`/g, '``');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]).filter((s) => s.startsWith('.'));
  return specifiers.map((s) => path.resolve(path.dirname(file), s));
}

/** The import cycles of a graph, each as a list of files (Tarjan's strongly connected components of size > 1). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

const all = files(SRC);
const rel = (f: string) => path.relative(SRC, f);

describe('src/', () => {
  it('has no import cycle, type-only imports included', () => {
    const known = new Set(all);
    const graph = new Map(all.map((f) => [f, importsOf(f, readFileSync(f, 'utf8')).filter((t) => known.has(t))]));
    expect(cycles(graph).map((c) => c.map(rel).sort())).toEqual([]);
  });

  it('resolves every relative import to a file (so the cycle check sees every edge)', () => {
    const known = new Set(all);
    const missing = all.flatMap((f) => importsOf(f, readFileSync(f, 'utf8')).filter((t) => !known.has(t)).map((t) => `${rel(f)} → ${rel(t)}`));
    expect(missing).toEqual([]);
  });

  it('has no file over 300 lines', () => {
    const long = all.map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 })).filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });

  it('keeps at most 12 files loose at the top of src/evolve', () => {
    const loose = readdirSync(path.join(SRC, 'evolve')).filter((n) => SOURCE.test(n));
    expect(loose.length, loose.join(' ')).toBeLessThanOrEqual(12);
  });
});

describe('the cycle finder', () => {
  it('finds a two-file cycle and a longer one, and passes a tree', () => {
    const graph = new Map([['a', ['b']], ['b', ['a', 'c']], ['c', ['d']], ['d', ['e']], ['e', ['c']], ['f', ['a']]]);
    expect(cycles(graph).map((c) => c.sort())).toEqual([['c', 'd', 'e'], ['a', 'b']]);
    expect(cycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('reads type-only imports, re-exports and dynamic imports as edges', () => {
    const text = "import type { X } from './x.ts';\nexport { y } from '../y.ts';\nimport {\n  z,\n} from './z.ts';\n" +
      "const m = await import('./m.ts');\nimport './side.ts';\nimport 'node:fs';\nconst t = `\nimport { no } from './text.js';\n`;";
    expect(importsOf('/r/s/f.ts', text).sort()).toEqual(['/r/s/m.ts', '/r/s/side.ts', '/r/s/x.ts', '/r/s/z.ts', '/r/y.ts']);
  });
});
