/**
 * Confines the editor to its workspace. A path is accepted only when it is absolute and, after resolving `..` and
 * every symlink, names something inside the workspace root. Paths that do not exist yet (create) are resolved
 * through their deepest existing ancestor, so a symlinked parent directory cannot lead a new file outside.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

export type Resolved = { ok: true; path: string } | { ok: false; error: string };

export async function resolveInside(root: string, requested: string): Promise<Resolved> {
  if (!path.isAbsolute(requested)) {
    return {
      ok: false,
      error: `Error: The path ${requested} is not an absolute path, it should start with \`/\`. Maybe you meant ${path.join(root, requested)}?`,
    };
  }
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch {
    return { ok: false, error: `Error: the workspace root ${root} does not exist` };
  }
  const outside = {
    ok: false as const,
    error: `Error: ${requested} is outside the workspace (${root}); the editor only reads and writes files inside it.`,
  };

  // Walk up from the normalised path to the deepest ancestor that exists; resolve it, then re-append the rest.
  let current = path.resolve(requested);
  const rest: string[] = [];
  for (;;) {
    let exists = true;
    try {
      await lstat(current);
    } catch {
      exists = false;
    }
    if (exists) {
      let real: string;
      try {
        real = await realpath(current);
      } catch {
        return { ok: false, error: `Error: ${requested} goes through a broken symlink (${current}).` };
      }
      const full = path.join(real, ...rest);
      return isInside(rootReal, full) ? { ok: true, path: full } : outside;
    }
    const parent = path.dirname(current);
    if (parent === current) return outside;
    rest.unshift(path.basename(current));
    current = parent;
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
