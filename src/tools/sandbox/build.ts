/**
 * buildJail: turns a JailSpec into a bubblewrap command line. Pure apart from asking what kind of thing a hidden
 * path is (injectable for tests), so every rule below is checked on the arguments it produces.
 *
 * Order matters to bwrap: a later mount covers an earlier one. So: the whole host read-only, then fresh /dev,
 * /proc, /tmp and /run, then every spec mount sorted by depth (a parent before its children), so that a workspace
 * under `<target>/.git/evolve/` is bound writable after the read-only target above it, and a hidden path deeper
 * than a bind is hidden after it.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { EVOLVE_HOME } from '../../home.ts';
import { JAIL_UID, type JailSpec } from './spec.ts';

export interface JailCommand {
  file: 'bwrap';
  args: string[];
  env: Record<string, string>;
}

export type PathKind = 'file' | 'dir' | 'missing';

/**
 * What a hidden file reads as: an empty file of evolve's installation (found from the sources and the dist/ bundle
 * alike), not /dev/null — the jail's mounts are nodev, so a
 * device bound over a file cannot even be opened, and git in the jail would stop at a hidden `.git/config`.
 */
export const EMPTY_FILE = path.join(EVOLVE_HOME, 'src', 'tools', 'sandbox', 'empty');

export function hostPathKind(p: string): PathKind {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

interface Mount {
  dest: string;
  order: number;
  args: string[];
}

export function buildJail(spec: JailSpec, kindOf: (p: string) => PathKind = hostPathKind): JailCommand {
  const args = [
    '--unshare-all',
    // A user namespace of its own, in which the jail may not create more: nested namespaces are kernel attack
    // surface, and the jail never needs them.
    '--unshare-user',
    '--disable-userns',
    // Not root inside either: root in a user namespace is still uid 0 to every check that looks (agent CLIs refuse to
    // run unattended as root). The namespace maps this uid to the runner's, so what the jail writes is the runner's.
    '--uid', String(JAIL_UID),
    '--gid', String(JAIL_UID),
    ...(spec.network === 'host' ? ['--share-net'] : []),
    // Root in the jail keeps no capabilities: without this, root could remount the read-only binds writable.
    '--cap-drop', 'ALL',
    '--die-with-parent',
    '--new-session',
    '--hostname', 'evolve-jail',
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--tmpfs', '/var/tmp',
    '--tmpfs', '/run',
  ];

  const mounts: Mount[] = [];
  const add = (dest: string, order: number, mountArgs: string[]) => mounts.push({ dest: path.resolve(dest), order, args: mountArgs });
  for (const p of spec.hide) {
    const kind = kindOf(p);
    if (kind === 'dir') add(p, 0, ['--tmpfs', path.resolve(p)]);
    else if (kind === 'file') add(p, 3, ['--ro-bind', EMPTY_FILE, path.resolve(p)]);
  }
  for (const p of spec.readOnly) add(p, 1, ['--ro-bind', path.resolve(p), path.resolve(p)]);
  add(spec.workspace, 2, ['--bind', path.resolve(spec.workspace), path.resolve(spec.workspace)]);
  for (const p of spec.writable) add(p, 2, ['--bind', path.resolve(p), path.resolve(p)]);
  for (const b of spec.binds) add(b.dest, b.readOnly ? 1 : 2, [b.readOnly ? '--ro-bind' : '--bind', path.resolve(b.src), path.resolve(b.dest)]);

  // HOME must be writable: made in the private /tmp (below), left alone inside a writable bind, else a tmpfs.
  const home = spec.env.HOME ? path.resolve(spec.env.HOME) : null;
  const writableRoots = [spec.workspace, ...spec.writable, ...spec.binds.filter((b) => !b.readOnly).map((b) => b.dest)];
  if (home && !isUnder(home, '/tmp') && !writableRoots.some((root) => isUnder(home, path.resolve(root)))) {
    add(home, 0, ['--tmpfs', home]);
  }

  const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);
  mounts.sort((a, b) => depth(a.dest) - depth(b.dest) || a.order - b.order);
  for (const m of mounts) args.push(...m.args);

  if (home && isUnder(home, '/tmp')) args.push('--dir', home);
  args.push('--chdir', spec.cwd, '--', ...spec.command);
  return { file: 'bwrap', args, env: { ...spec.env } };
}

function isUnder(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);
}
