/**
 * The evolve installation this process runs from: the folder of evolve's package.json, found by walking up from
 * this module (the same answer from src/ under tsx and from the dist/ bundle). The built-in agent and the relay
 * are read from there.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findHome(from: string): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'evolve') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find evolve's package.json above ${from}`);
  }
}

export const EVOLVE_HOME = findHome(fileURLToPath(import.meta.url));

/** The version in evolve's package.json (`evolve --version`). */
export const EVOLVE_VERSION: string = (JSON.parse(readFileSync(path.join(EVOLVE_HOME, 'package.json'), 'utf8')) as { version: string }).version;
