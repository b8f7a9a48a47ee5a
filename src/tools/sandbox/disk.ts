/**
 * The jail's disk, bounded two ways (there is no quota on the workspace's file system that evolve could set):
 *  - a file-size limit (RLIMIT_FSIZE, set by the wrapper before bwrap starts; it binds root too, and the jail, with
 *    every capability dropped, cannot raise it): one write past it fails with EFBIG;
 *  - a watch on what the jail's writable paths take on disk (allocated blocks, as `du` counts them: a sparse file
 *    costs what it really uses) and the inodes they hold: when either has grown by more than its cap since the jail
 *    started, it is killed.
 */
import { spawn } from 'node:child_process';

/** How often the watch measures. At a disk's full speed a jail can write a few GB between two looks. */
export const DISK_CHECK_MS = 2_000;

/** What the paths take: bytes allocated on disk and inodes (hardlinks counted once); a field is null when `du` cannot say. */
export interface DiskUse { bytes: number | null; files: number | null }

function du(paths: string[], unit: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('du', ['-s', '-x', ...unit, '-c', '--', ...paths], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve(null));
    // du exits 1 when a file vanished while it walked; the total it printed still counts what was there.
    child.on('close', () => {
      const total = /^(\d+)\s+total$/m.exec(out);
      resolve(total ? Number(total[1]) : null);
    });
  });
}

/**
 * Both measures. Inodes count because an empty file takes no block but does take one of the file system's fixed
 * number of inodes: a jail creating them in a loop would leave the host unable to create any file.
 */
async function diskUse(paths: string[]): Promise<DiskUse> {
  const [bytes, files] = await Promise.all([du(paths, ['-B1']), du(paths, ['--inodes'])]);
  return { bytes, files };
}

export interface DiskWatch {
  stop(): void;
}

export interface DiskCaps { bytes?: number; files?: number }
export interface DiskGrowth { grownBytes: number; grownFiles: number }

/** Calls `onExceeded` once, when the paths have grown by more than a cap (bytes or files) since the watch began. */
export function watchDisk(paths: string[], caps: DiskCaps, onExceeded: (grown: DiskGrowth) => void, intervalMs = DISK_CHECK_MS): DiskWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const baseline = diskUse(paths);
  const grew = (start: number | null, now: number | null) => (start !== null && now !== null ? now - start : 0);
  const look = async () => {
    const [start, now] = [await baseline, await diskUse(paths)];
    if (stopped) return;
    const grown = { grownBytes: grew(start.bytes, now.bytes), grownFiles: grew(start.files, now.files) };
    if ((caps.bytes !== undefined && grown.grownBytes > caps.bytes) || (caps.files !== undefined && grown.grownFiles > caps.files)) {
      stopped = true;
      onExceeded(grown);
      return;
    }
    timer = setTimeout(() => void look(), intervalMs);
    timer.unref();
  };
  timer = setTimeout(() => void look(), intervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
