/**
 * Confines the editor to its workspace. A path (absolute, or relative to the workspace root) is accepted only when,
 * after resolving `..` and every symlink, it names something inside the workspace root. Paths that do not exist yet
 * (create) are resolved through their deepest existing ancestor, so a symlinked parent cannot lead a new file out.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

export type Resolved = { ok: true; path: string } | { ok: false; error: string };

export async function resolveInside(root: string, requested: string): Promise<Resolved> {
  if (requested.includes('\0')) return { ok: false, error: 'Error: the path contains a NUL byte.' };
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
  // A relative path means relative to the workspace (the API's own examples send "primes.py").
  let current = path.resolve(root, requested);
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
