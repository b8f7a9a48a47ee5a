/**
 * The proxy socket directories a run's runners made under $TMPDIR (`evolve-<run-id>-XXXXXX/proxy.sock`): whether a
 * runner of the run is still alive (its socket answers), and removing what a killed one left behind.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** This user's socket directories of the run (a runner's, alive or dead). */
async function socketDirs(runId: string): Promise<string[]> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  const dirs: string[] = [];
  for (const name of names.filter((n) => n.startsWith(`evolve-${runId}-`))) {
    const dir = path.join(tmpdir(), name);
    const info = await lstat(dir).catch(() => null);
    if (info?.isDirectory() && info.uid === process.getuid?.()) dirs.push(dir);
  }
  return dirs;
}

/**
 * The socket of a runner of this run that still answers, or null. A run a runner is still running is marked
 * `running` just like a crashed one; resuming it would start a second writer, judge candidates twice and remove
 * the live runner's socket as stale.
 */
export async function liveProxySocket(runId: string): Promise<string | null> {
  for (const dir of await socketDirs(runId)) {
    const socket = path.join(dir, 'proxy.sock');
    const answers = await new Promise<boolean>((resolve) => {
      const conn = connect(socket);
      conn.once('connect', () => {
        conn.destroy();
        resolve(true);
      });
      conn.once('error', () => resolve(false));
    });
    if (answers) return socket;
  }
  return null;
}

/** Socket directories of this run left by a runner that was killed (SIGKILL, a reboot is cleaned by the OS). Only
 *  directories this user owns are removed. */
export async function removeStaleSocketDirs(runId: string): Promise<void> {
  for (const dir of await socketDirs(runId)) await rm(dir, { recursive: true, force: true });
}
