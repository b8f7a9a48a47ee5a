/**
 * `evolve adopt <candidate-id>`: bring a candidate's code — everything but agent_context.json, which is the
 * agents' memory, not the user's code — into the user's repository, either as a new branch (one commit on top
 * of the run's seed commit: exactly the code that was tested) or, with `here`, as one commit on the current
 * branch (a three-way merge of the candidate's change onto HEAD). Never over uncommitted work.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.ts';
import type { CandidateRow, RunRow } from '../../lineage/schema.ts';
import { CONTEXT_FILE } from '../../agent/protocol.ts';
import { storedConfigView } from '../../evolve/config.ts';
import { isDirty, targetGit, type TargetGit } from '../../evolve/repo/target-git.ts';

export interface AdoptResult { mode: 'branch' | 'here' | 'unchanged'; branch: string; commit: string; files: number }

export function adoptCandidate(run: RunRow, candidate: CandidateRow, opts: { here: boolean; branch?: string }): AdoptResult {
  if (!candidate.commit_sha) throw new UsageError(`candidate ${candidate.id} has no commit to adopt (status ${candidate.status})`);
  if (candidate.generation === 0) throw new UsageError(`candidate ${candidate.id} is the seed: its code is already the run's starting point`);
  // A moved or deleted repository is the likelier story than a pruned branch; say which it is.
  if (!existsSync(run.target)) throw new UsageError(`the run's target ${run.target} no longer exists, so there is nothing to adopt into`);
  const git = targetGit(run.target);
  if (!git.tryRun(['rev-parse', '--verify', `${candidate.commit_sha}^{commit}`])) {
    throw new UsageError(`commit ${candidate.commit_sha.slice(0, 10)} of ${candidate.id} is not in ${run.target} (was its branch deleted and the repository pruned?)`);
  }
  const seed = seedCommit(git, run, candidate);
  const message = adoptMessage(candidate);
  // The candidate's tree with agent_context.json as the seed had it (or absent).
  const change = git(['commit-tree', treeWithoutContext(git, candidate.commit_sha, seed), '-p', seed, '-F', '-'], { input: message });

  if (!opts.here) {
    const branch = opts.branch ?? `evolve-adopt/${candidate.id}`;
    if (git.tryRun(['check-ref-format', '--branch', branch]) === null) throw new UsageError(`--branch ${branch} is not a valid branch name`);
    if (git.tryRun(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]) !== null) {
      throw new UsageError(`branch ${branch} already exists: pass --branch <name> or delete it first`);
    }
    git(['update-ref', `refs/heads/${branch}`, change, '']);
    return { mode: 'branch', branch, commit: change, files: changedFiles(git, seed, change) };
  }

  if (isDirty(git)) throw new UsageError(`${run.target} has uncommitted changes to tracked files: commit or stash them before adopting here`);
  const current = git.tryRun(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (!current) throw new UsageError('HEAD is detached: check out a branch to adopt onto, or adopt without --here to get a new branch');
  const head = git(['rev-parse', 'HEAD']);
  const merged = git.tryRun(['merge-tree', '--write-tree', '--no-messages', head, change]);
  if (merged === null) throw new UsageError(`${candidate.id}'s change conflicts with ${current}: adopt it without --here (a new branch) and merge it yourself`);
  const tree = merged.split('\n')[0];
  // Adopting a change the branch already has (say, a second time) would be an empty commit.
  if (tree === git(['rev-parse', `${head}^{tree}`])) return { mode: 'unchanged', branch: current, commit: head, files: 0 };
  // read-tree below refuses (touching nothing) to overwrite untracked files, but says so as a git failure: name them first.
  const added = git(['diff', '--name-only', '--no-ext-diff', '--no-renames', '--diff-filter=A', head, tree]).split('\n').filter(Boolean);
  const inTheWay = added.filter((file) => existsSync(path.join(run.target, file)));
  if (inTheWay.length > 0) {
    const files = inTheWay.length === 1 ? `the untracked file ${inTheWay[0]}` : `${inTheWay.length} untracked files (${inTheWay.slice(0, 3).join(', ')}${inTheWay.length > 3 ? ', …' : ''})`;
    throw new UsageError(`adopting ${candidate.id} here would overwrite ${files}: move it away (or adopt without --here, as a new branch)`);
  }
  const commit = git(['commit-tree', tree, '-p', head, '-F', '-'], { input: message });
  // Updates index and files only where they change; refuses (touching nothing) if an untracked file would be overwritten.
  git(['read-tree', '-m', '-u', head, commit]);
  git(['update-ref', '-m', `evolve adopt ${candidate.id}`, 'HEAD', commit, head]);
  return { mode: 'here', branch: current, commit, files: changedFiles(git, head, commit) };
}

/** The run's seed commit (generation 0), which every candidate of the run descends from. */
function seedCommit(git: TargetGit, run: RunRow, candidate: CandidateRow): string {
  const seed = storedConfigView(run.config_json).head ?? candidate.base_commit;
  if (!seed) throw new UsageError(`run ${run.id} does not record its seed commit`);
  return git(['rev-parse', '--verify', `${seed}^{commit}`]);
}

function treeWithoutContext(git: TargetGit, commit: string, seed: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evolve-adopt-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    git(['read-tree', commit], { env });
    const seedContext = git.tryRun(['rev-parse', '--verify', `${seed}:${CONTEXT_FILE}`]);
    if (seedContext) git(['update-index', '--add', '--cacheinfo', `100644,${seedContext},${CONTEXT_FILE}`], { env });
    else git(['rm', '--cached', '--quiet', '--ignore-unmatch', '--', CONTEXT_FILE], { env });
    return git(['write-tree'], { env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function changedFiles(git: TargetGit, from: string, to: string): number {
  return git(['diff', '--name-only', '--no-ext-diff', from, to]).split('\n').filter(Boolean).length;
}

function adoptMessage(c: CandidateRow): string {
  return `evolve: adopt candidate ${c.id} (generation ${c.generation})\n\n${c.goal ?? '(no goal recorded)'}\n\n` +
    `From branch ${c.branch ?? '?'} at ${c.commit_sha}; score ${c.score ?? '-'}; agent_context.json left out.\n`;
}
