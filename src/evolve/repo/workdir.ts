/**
 * Where a run's workspaces go when `--workdir` is not given: `<target's parent>/.evolve-work/<target's name>/`, a
 * sibling of the checkout. That is on the target's file system (so dependencies are hardlink copies, not copies),
 * never in its working tree (no untracked files in the user's checkout) and never inside a `.git` directory — test
 * runners ignore every path under one (jest-haste-map finds no tests there). Runs before this default kept their
 * workspaces in `<target>/.git/evolve/`; their frozen config names that folder, and `evolve clean` looks there too.
 */
import path from 'node:path';

export const WORK_FOLDER = '.evolve-work';

/** The default workdir of a target (its top-level directory, absolute). */
export function defaultWorkdir(target: string): string {
  const top = path.resolve(target);
  const parent = path.dirname(top);
  // A target at the file system's root has no name to file it under.
  return path.join(parent, WORK_FOLDER, path.basename(top) || 'root');
}

/** The default of earlier versions, inside the target's git directory. */
export function legacyWorkdir(gitDir: string): string {
  return path.join(path.resolve(gitDir), 'evolve');
}

/** True when `p` is `dir` or below it (both absolute). */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** True when some component of `p` is `.git` (where test runners see nothing). */
export function insideGitDir(p: string): boolean {
  return path.resolve(p).split(path.sep).includes('.git');
}
