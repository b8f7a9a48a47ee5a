/**
 * `evolve clean`: removes what a run leaves on disk — its workspaces under the work directory — and, when asked,
 * its branches (`evolve/<run-id>/…`). It first lists what it will delete; `dryRun` stops there.
 */
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.ts';
import type { RunRow } from '../../lineage/schema.ts';
import { targetGit } from '../../evolve/repo/target-git.ts';

export interface CleanPlan { workspaceDir: string | null; entries: string[]; branches: string[]; ownsWorkdir: boolean }

export function planClean(run: RunRow, withBranches: boolean): CleanPlan {
  const config = JSON.parse(run.config_json) as { workdir?: string; ownsWorkdir?: boolean };
  const workspaceDir = config.workdir ? path.join(config.workdir, run.id) : null;
  const entries = workspaceDir && existsSync(workspaceDir) ? readdirSync(workspaceDir).sort() : [];
  let branches: string[] = [];
  if (withBranches) {
    if (!existsSync(run.target)) throw new UsageError(`the run's target ${run.target} no longer exists, so its branches cannot be removed`);
    const out = targetGit(run.target).tryRun(['for-each-ref', '--format=%(refname:short)', `refs/heads/evolve/${run.id}/`]);
    branches = (out ?? '').split('\n').filter(Boolean);
  }
  return { workspaceDir: entries.length > 0 ? workspaceDir : null, entries, branches, ownsWorkdir: config.ownsWorkdir === true };
}

export function describeClean(run: RunRow, plan: CleanPlan): string[] {
  const lines: string[] = [];
  if (plan.workspaceDir) lines.push(`workspaces of run ${run.id}: ${plan.workspaceDir} (${plan.entries.length} entries)`);
  for (const b of plan.branches) lines.push(`branch ${b}`);
  return lines;
}

export function applyClean(run: RunRow, plan: CleanPlan): void {
  if (plan.workspaceDir) {
    rmSync(plan.workspaceDir, { recursive: true, force: true });
    // The work directory itself goes once no run uses it, unless it is a --workdir the user had before the run.
    if (plan.ownsWorkdir) {
      try {
        rmdirSync(path.dirname(plan.workspaceDir));
      } catch {
        // Other runs still have workspaces there.
      }
    }
  }
  if (plan.branches.length > 0) {
    const git = targetGit(run.target);
    const current = git.tryRun(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    if (current && plan.branches.includes(current)) throw new UsageError(`branch ${current} is checked out: switch to another branch first`);
    git(['update-ref', '--stdin'], { input: plan.branches.map((b) => `delete refs/heads/${b}\n`).join('') });
  }
}
