/**
 * Root in the jail is the host's root (uid 0 maps to 0), and it may `chmod u+s` a file it owns: a candidate could
 * leave a setuid-root program in its workspace for any local user to run. Once the jail is dead (so nothing can set
 * the bits again) the runner clears set-user-ID and set-group-ID bits from every regular file the jail could write.
 * While the jail runs, the runner keeps the run's directory of workspaces unreachable for other users (mode 0700,
 * src/evolve/repo/workspace.ts).
 */
import { chmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

const SETID = 0o6000;

/**
 * Clears set-id bits under each root, never following symlinks. Returns the files it fixed. `skip`: folders under a
 * root that the jail saw read-only (a workspace's node_modules): nothing in them could be chmod-ed, nor linked out
 * (a hard link across mounts is EXDEV), so they are not walked — thousands of files, after every jail. A writable
 * folder inside one of them is a root of its own.
 */
export async function clearSetIdBits(roots: string[], skip: readonly string[] = []): Promise<string[]> {
  const fixed: string[] = [];
  const skipped = new Set(skip.map((p) => path.resolve(p)));
  const visit = async (p: string): Promise<void> => {
    if (skipped.has(p)) return;
    let info;
    try {
      info = await lstat(p);
    } catch {
      return;
    }
    if (info.isFile() && info.mode & SETID) {
      await chmod(p, info.mode & 0o777 & ~SETID).catch(() => {});
      fixed.push(p);
    } else if (info.isDirectory()) {
      let names: string[] = [];
      try {
        names = await readdir(p);
      } catch {
        return;
      }
      for (const name of names) await visit(path.join(p, name));
    }
  };
  for (const root of roots) await visit(path.resolve(root));
  return fixed;
}
