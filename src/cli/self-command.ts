/**
 * How a user types this evolve in a shell, for the commands evolve suggests. After `npm ci && npm run demo` in a
 * fresh clone there is no `evolve` on PATH (and `npm run evolve` does not work from the demo's own repository, which
 * has a package.json of its own), so "evolve lineage" would be "command not found": the suggestion names this
 * installation's bin/evolve.mjs instead, until `npm link` (or a global install) puts this evolve first on PATH.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { EVOLVE_HOME } from '../home.ts';
import { shellWord } from '../shell-word.ts';

export const EVOLVE_BIN = path.join(EVOLVE_HOME, 'bin', 'evolve.mjs');

/** `evolve` when the first `evolve` on PATH is this installation, else `node '<home>/bin/evolve.mjs'`. */
export function evolveCommand(pathVariable: string | undefined = process.env.PATH): string {
  const first = firstOnPath('evolve', pathVariable ?? '');
  if (first && sameFile(first, EVOLVE_BIN)) return 'evolve';
  return `node ${shellWord(EVOLVE_BIN)}`;
}

function firstOnPath(name: string, pathVariable: string): string | undefined {
  for (const dir of pathVariable.split(':')) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      continue;
    }
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
