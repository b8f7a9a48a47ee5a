/**
 * The jail's disk, bounded two ways (there is no quota on the workspace's file system that evolve could set):
 *  - a file-size limit (RLIMIT_FSIZE, set by the wrapper before bwrap starts; it binds root too, and the jail, with
 *    every capability dropped, cannot raise it): one write past it fails with EFBIG;
 *  - a watch on what the jail's writable paths take on disk (allocated blocks, as `du` counts them: a sparse file
 *    costs what it really uses): when they have grown by more than the cap since the jail started, it is killed.
 */
import { spawn } from 'node:child_process';

/** How often the watch measures. At a disk's full speed a jail can write a few GB between two looks. */
export const DISK_CHECK_MS = 2_000;

/** Bytes allocated on disk under the paths (hardlinks counted once), or null when `du` cannot say. */
export function diskUsage(paths: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const du = spawn('du', ['-s', '-x', '-B1', '-c', '--', ...paths], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    du.stdout.on('data', (d: Buffer) => (out += d.toString()));
    du.on('error', () => resolve(null));
    // du exits 1 when a file vanished while it walked; the total it printed still counts what was there.
    du.on('close', () => {
      const total = /^(\d+)\s+total$/m.exec(out);
      resolve(total ? Number(total[1]) : null);
    });
  });
}

export interface DiskWatch {
  stop(): void;
}

/** Calls `onExceeded` once, when the paths have grown by more than `maxGrowthBytes` since the watch began. */
export function watchDisk(paths: string[], maxGrowthBytes: number, onExceeded: (grownBytes: number) => void, intervalMs = DISK_CHECK_MS): DiskWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const baseline = diskUsage(paths);
  const look = async () => {
    const [start, now] = [await baseline, await diskUsage(paths)];
    if (stopped) return;
    if (start !== null && now !== null && now - start > maxGrowthBytes) {
      stopped = true;
      onExceeded(now - start);
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
