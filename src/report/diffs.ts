import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { hardenedGitArgs, hardenedGitEnv } from '../evolve/repo/hardening.ts';
import { startProcess } from '../process/run.ts';

/**
 * The candidates' real diffs, read from the run's target repository by two git processes in all (not one per
 * candidate: a 1,000-candidate report would spend seconds starting git). Each diff is against the candidate's base
 * commit, agent_context.json excluded (contract 2), kept up to a per-candidate cap and a page-wide budget.
 */

export interface DiffRequest {
  candidateId: string;
  base: string;
  commit: string;
}

export type DiffResult =
  | { kind: 'diff'; text: string; truncated: boolean; chars: number }
  | { kind: 'unavailable'; reason: string }
  /** Not read: the page's diff budget went to the candidates before it. */
  | { kind: 'left_out' };

export interface DiffLimits {
  /** Characters kept of one candidate's diff. */
  perCandidate: number;
  /** Characters of diff in the whole page; later candidates get a note instead. */
  total: number;
}

/** 16 KiB of one diff, 1.5 MiB of diffs in all (about 2 MB of page once coloured): a 10,000-candidate page stays under 20 MB. */
export const DEFAULT_DIFF_LIMITS: DiffLimits = { perCandidate: 16 * 1024, total: 1.5 * 1024 * 1024 };

const COMMIT = /^[0-9a-f]{4,64}$/i;

interface Git {
  code: number | null;
  stderr: string;
  /** `onLine` asked for no more: git was stopped. */
  stopped: boolean;
}

/**
 * Runs git, hardened as everywhere else (src/evolve/repo/hardening.ts: no config but the repository's, no hooks,
 * fsmonitor, drivers or network), with `input` on stdin, handing each stdout line (without its newline) to `onLine`; when that returns
 * false, git is stopped (the rest of its output is not needed).
 */
function runGit(cwd: string, args: string[], input: string, onLine: (line: string) => boolean | void): Promise<Git> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let stderr = '';
  let stopped = false;
  // Streamed, nothing kept by the collector: every line goes to onLine, which may stop git early (the page's budget).
  const git = startProcess('git', [...hardenedGitArgs(), ...args], {
    cwd, env: hardenedGitEnv(), input, maxOutputBytes: 0,
    onStdout: (chunk) => {
      if (stopped) return;
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (onLine(line) === false) {
          stopped = true;
          rest = '';
          void git.kill();
          return;
        }
      }
    },
    onStderr: (chunk) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    },
  });
  return git.done.then((result) => {
    if (!stopped) rest += decoder.end();
    if (rest !== '' && !stopped) onLine(rest);
    return { code: result.exitCode, stderr: result.error ?? stderr, stopped };
  });
}

const firstLine = (text: string, fallback: string) => text.trim().split('\n')[0] || fallback;

/**
 * The commits among `commits` that the repository has, each to its full id (one `git cat-file --batch-check`;
 * diff-tree names each patch by the full id, whatever was recorded).
 */
async function presentCommits(target: string, commits: string[]): Promise<Map<string, string> | string> {
  const present = new Map<string, string>();
  let i = 0;
  const result = await runGit(target, ['cat-file', '--batch-check=%(objecttype) %(objectname)'], commits.join('\n') + '\n', (line) => {
    const asked = commits[i++];
    const [type, full] = line.split(' ');
    if (asked !== undefined && type === 'commit' && full) present.set(asked, full);
  });
  if (result.code !== 0) return firstLine(result.stderr, `git cat-file exited with ${String(result.code)}`);
  return present;
}

function targetProblem(target: string): string | null {
  try {
    if (!statSync(target).isDirectory()) return `the run's target ${target} is not a directory`;
  } catch {
    return `the run's target ${target} is not there any more`;
  }
  return null;
}

/**
 * Diffs for `requests`, in their order of priority (the page budget goes to the first ones). Never throws: what
 * cannot be read is an `unavailable` entry with the reason, and the report says so.
 */
export async function readDiffs(target: string, requests: readonly DiffRequest[], limits = DEFAULT_DIFF_LIMITS): Promise<Map<string, DiffResult>> {
  const out = new Map<string, DiffResult>();
  const valid = requests.filter((r) => {
    const ok = COMMIT.test(r.base) && COMMIT.test(r.commit);
    if (!ok) out.set(r.candidateId, { kind: 'unavailable', reason: 'the recorded commits are not commit ids' });
    return ok;
  });
  if (valid.length === 0) return out;
  const problem = targetProblem(target);
  const unavailable = (reason: string) => {
    for (const r of valid) if (!out.has(r.candidateId)) out.set(r.candidateId, { kind: 'unavailable', reason });
    return out;
  };
  if (problem) return unavailable(problem);

  const present = await presentCommits(target, [...new Set(valid.flatMap((r) => [r.base, r.commit]))]);
  if (typeof present === 'string') return unavailable(`cannot read the target's git repository: ${present}`);
  const readable = valid.flatMap((r) => {
    const base = present.get(r.base);
    const commit = present.get(r.commit);
    if (base && commit) return [{ ...r, base, commit }];
    out.set(r.candidateId, { kind: 'unavailable', reason: 'its commit is no longer in the target repository' });
    return [];
  });
  if (readable.length === 0) return out;

  // `diff-tree --stdin` reads "<commit> <parent>" lines and prints, for each, a line with the commit id and then
  // the patch (--always: the id line even for an empty diff). A patch line never is a bare commit id: every line
  // of a patch starts with a marker (diff, index, ---, +, -, space, @@, \).
  let budget = limits.total;
  let index = -1;
  let current: { text: string; chars: number; truncated: boolean } | null = null;
  const finish = () => {
    if (!current) return;
    const request = readable[index];
    if (current.truncated && current.text === '') {
      out.set(request.candidateId, { kind: 'left_out' });
    } else {
      out.set(request.candidateId, { kind: 'diff', text: current.text, truncated: current.truncated, chars: current.chars });
    }
    current = null;
  };
  const input = readable.map((r) => `${r.commit} ${r.base}\n`).join('');
  const result = await runGit(target, [
    'diff-tree', '--stdin', '-p', '--always', '--no-color', '--no-ext-diff', '--no-textconv', '--', '.', ':(exclude)agent_context.json',
  ], input, (line) => {
    const next = readable[index + 1];
    if (next && (line === next.commit || line.startsWith(`${next.commit} `))) {
      finish();
      index++;
      // Less budget left than a small diff needs: this one and every later one are left out (rather than shown as
      // a line or none), so git can stop here — at 10,000 candidates most of its work.
      if (budget < Math.min(1024, limits.perCandidate)) {
        for (const r of readable.slice(index)) out.set(r.candidateId, { kind: 'left_out' });
        return false;
      }
      current = { text: '', chars: 0, truncated: false };
      return;
    }
    if (!current) return;
    current.chars += line.length + 1;
    if (current.truncated) return;
    const room = Math.min(limits.perCandidate, budget + current.text.length) - current.text.length;
    if (line.length + 1 <= room) {
      current.text += line + '\n';
      budget -= line.length + 1;
    } else {
      current.truncated = true;
    }
  });
  if (result.stopped) return out;
  finish();
  if (result.code !== 0) return unavailable(`git diff-tree failed: ${firstLine(result.stderr, `exit code ${String(result.code)}`)}`);
  return unavailable('git printed no diff for it');
}
