/**
 * `evolve clean`: removes what a run leaves on disk — its workspaces under the work directory — and, when asked,
 * its branches (`evolve/<run-id>/…`). It first lists what it will delete; `dryRun` stops there.
 */
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.ts';
import type { RunRow } from '../../lineage/schema.ts';
import { storedConfigView } from '../../evolve/config.ts';
import { targetGit } from '../../evolve/repo/target-git.ts';
import { defaultWorkdir, legacyWorkdir, WORK_FOLDER } from '../../evolve/repo/workdir.ts';

export interface CleanPlan { workspaceDir: string | null; entries: string[]; branches: string[]; ownsWorkdir: boolean }

/**
 * Where the run's workspaces are: under the workdir its frozen config names, else (a config without one) under the
 * defaults, the current one beside the target and the one inside its .git directory that earlier versions used.
 */
function workspaceDirOf(run: RunRow): string | null {
  const config = storedConfigView(run.config_json);
  const workdirs = config.workdir ? [config.workdir] : [defaultWorkdir(run.target), legacyWorkdir(path.join(run.target, '.git'))];
  return workdirs.map((w) => path.join(w, run.id)).find((dir) => existsSync(dir)) ?? null;
}

export function planClean(run: RunRow, withBranches: boolean): CleanPlan {
  const config = storedConfigView(run.config_json);
  const workspaceDir = workspaceDirOf(run);
  const entries = workspaceDir ? readdirSync(workspaceDir).sort() : [];
  let branches: string[] = [];
  if (withBranches) {
    if (!existsSync(run.target)) throw new UsageError(`the run's target ${run.target} no longer exists, so its branches cannot be removed`);
    const out = targetGit(run.target).tryRun(['for-each-ref', '--format=%(refname:short)', `refs/heads/evolve/${run.id}/`]);
    branches = (out ?? '').split('\n').filter(Boolean);
  }
  // A config naming no workdir is a run of an early evolve, whose workspaces were in a default location: the runner's.
  return { workspaceDir: entries.length > 0 ? workspaceDir : null, entries, branches, ownsWorkdir: config.ownsWorkdir === true || !config.workdir };
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
    // The work directory itself goes once no run uses it, unless it is a --workdir the user had before the run; so
    // does the `.evolve-work` folder above a default one.
    if (plan.ownsWorkdir) {
      try {
        const workdir = path.dirname(plan.workspaceDir);
        rmdirSync(workdir);
        if (path.basename(path.dirname(workdir)) === WORK_FOLDER) rmdirSync(path.dirname(workdir));
      } catch {
        // Other runs (or other targets' runs) still have workspaces there.
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
