/**
 * Stage 2 of contract 5: a commit whose tree (agent_context.json aside) equals one already judged — or being
 * judged — in this run reuses that verdict, waiting for it if need be, instead of building and testing again.
 */
import { createHash } from 'node:crypto';
import { CONTEXT_FILE } from '../../agent/protocol.ts';
import type { Git } from '../repo/git.ts';
import type { TestCounts } from './testcounts.ts';
import type { CountVia } from './counts.ts';
import type { Metric } from './user-judge.ts';

/** What judging a tree found, independent of whose child it is (the score is each candidate's own). */
export interface Verdict {
  status: 'passed' | 'failed' | 'rejected';
  reason: string | null;
  buildOk: boolean | null;
  counts: TestCounts | null;
  /** Where the counts were read (null when there are none). */
  via: CountVia | null;
  /** What the user judge measured (null: no judge, or it did not run), and the objective's value among them. */
  metrics?: Metric[] | null;
  objective?: number | null;
}

/** The identity of a commit's content: its tree without agent_context.json at the top. */
export async function treeKey(git: Git, commit: string): Promise<string> {
  const hash = createHash('sha256');
  for (const e of await git.listTree(commit)) if (e.path !== CONTEXT_FILE) hash.update(`${e.mode} ${e.blob} ${e.path}\0`);
  return hash.digest('hex');
}

interface Entry { candidateId: string; verdict: Promise<Verdict | null> }

export class Duplicates {
  private readonly byTree = new Map<string, Entry>();

  /** The candidate already judging (or judged) this tree, other than `candidateId` itself. */
  find(key: string, candidateId: string): Entry | null {
    const entry = this.byTree.get(key);
    return entry && entry.candidateId !== candidateId ? entry : null;
  }

  /** Claims the tree for `candidateId`; settle the verdict (null: interrupted) when judging ends. */
  start(key: string, candidateId: string): { resolve(v: Verdict | null): void; reject(err: unknown): void } {
    let settle!: { resolve(v: Verdict | null): void; reject(err: unknown): void };
    const verdict = new Promise<Verdict | null>((resolve, reject) => (settle = { resolve, reject }));
    verdict.catch(() => {}); // a waiting duplicate sees the error; nobody waiting is fine too
    const entry = { candidateId, verdict };
    this.byTree.set(key, entry);
    // An interrupted judgement is no verdict: the next candidate with this tree is judged afresh.
    verdict.then((v) => { if (v === null && this.byTree.get(key) === entry) this.byTree.delete(key); }, () => {
      if (this.byTree.get(key) === entry) this.byTree.delete(key);
    });
    return settle;
  }
}
