import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/lineage/store.ts';
import { tempDir, track } from './fixtures.ts';
import { evolve, ROOT } from './cli-helpers.ts';

const RUN = '20260101-000000-3a1f';
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Resolves with the child's progress once `predicate` holds for a count it printed. */
function progress(child: ChildProcess, predicate: (count: number) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (predicate(Number(line))) {
          child.stdout!.off('data', onData);
          resolve(Number(line));
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`writer exited early with ${String(code)}`)));
  });
}

interface Node {
  id: string;
  status: string;
  model_calls: number;
  input_tokens: number;
  score: number | null;
  children: Node[];
}

function flatten(roots: Node[]): Node[] {
  const out: Node[] = [];
  const stack = [...roots];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    stack.push(...node.children);
  }
  return out;
}

describe('two processes: a runner writing while evolve lineage reads (WAL)', () => {
  it('reads a consistent, growing genealogy every time while the writer keeps committing', async () => {
    const db = join(tempDir(), 'lineage.db');
    const writer = spawn('node', ['--import', 'tsx', 'test/lineage/writer-child.ts', db, RUN], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(writer);
    await progress(writer, (n) => n >= 5);

    const counts: number[] = [];
    for (let read = 0; read < 4; read++) {
      const r = await evolve(['lineage', '--db', db, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.run.id).toBe(RUN);
      expect(doc.tree).toHaveLength(1);
      const nodes = flatten(doc.tree);
      // Every candidate is seen whole: its model calls, score and status were written in the same transaction.
      for (const node of nodes.filter((n) => n.id !== '5eed0000')) {
        expect(node).toMatchObject({ status: 'passed', model_calls: 2, input_tokens: 30, score: expect.any(Number) });
      }
      const total = doc.generations.reduce((sum: number, g: { count: number }) => sum + g.count, 0);
      expect(total).toBe(nodes.length);
      counts.push(nodes.length);
      // Wait until the writer has committed more before the next read, so every read sees a new state.
      await progress(writer, (n) => n > nodes.length + 2);
    }
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]);

    const text = await evolve(['lineage', '--db', db]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^run 20260101-000000-3a1f {2}running/);

    const exited = new Promise<number | null>((resolve) => writer.once('exit', resolve));
    writer.stdin!.end();
    expect(await exited).toBe(0);
  });

  it('keeps every committed candidate when the writer is killed mid-run', async () => {
    const db = join(tempDir(), 'lineage.db');
    const writer = spawn('node', ['--import', 'tsx', 'test/lineage/writer-child.ts', db, RUN], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(writer);
    // The child prints a count only after its transaction committed.
    const committed = await progress(writer, (n) => n >= 30);
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    writer.kill('SIGKILL');
    await exited;
    const reader = track(openStore(db, { readonly: true }));
    const candidates = reader.candidates(RUN);
    expect(candidates.length).toBeGreaterThanOrEqual(committed);
    for (const c of candidates.slice(1)) expect(c).toMatchObject({ status: 'passed', model_calls: 2 });
    const r = await evolve(['lineage', '--db', db]);
    expect(r.code).toBe(0);
  });
});
