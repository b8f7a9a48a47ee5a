/**
 * The jail's disk, bounded two ways (there is no quota on the workspace's file system that evolve could set):
 *  - a file-size limit (RLIMIT_FSIZE, set by the wrapper before bwrap starts; it binds root too, and the jail, with
 *    every capability dropped, cannot raise it): one write past it fails with EFBIG;
 *  - a watch on what the jail's writable paths take on disk (allocated blocks, as `du` counts them: a sparse file
 *    costs what it really uses) and the inodes they hold: when either has grown by more than its cap since the jail
 *    started, it is killed;
 *  - and, whatever `du` could or could not read (a non-root runner cannot read into a directory the jail made
 *    `chmod 000`), the free space of the file system the workspace is on: when it falls below a floor, the jail is
 *    killed, so a run left alone never fills the user's disk.
 */
import { statfs } from 'node:fs/promises';
import { runProcess } from '../../process/run.ts';

/** How often the watch measures. At a disk's full speed a jail can write a few GB between two looks. */
export const DISK_CHECK_MS = 2_000;

/** What the paths take: bytes allocated on disk and inodes (hardlinks counted once); a field is null when `du` cannot say. */
export interface DiskUse { bytes: number | null; files: number | null }

async function du(paths: string[], unit: string[]): Promise<number | null> {
  const r = await runProcess('du', ['-s', '-x', ...unit, '-c', '--', ...paths], { maxOutputBytes: 64 * 1024 });
  // du exits 1 when a file vanished while it walked; the total it printed still counts what was there.
  const total = /^(\d+)\s+total$/m.exec(r.stdout);
  return total ? Number(total[1]) : null;
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

export interface DiskCaps {
  bytes?: number;
  files?: number;
  /** Kill when the file system of the first path has less than this free (at most half of what was free at start). */
  minFreeBytes?: number;
}
export interface DiskGrowth {
  grownBytes: number;
  grownFiles: number;
  freeBytes?: number;
  minFreeBytes?: number;
  /** What the jail did, for its output: "wrote 8.1 GiB to disk, more than its 8.0 GiB". */
  reason: string;
}

/** 8.0 GiB, or 24 MiB under a GiB. */
const size = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);

/** Bytes an unprivileged user may still write on the file system holding `path`, or null when it cannot be asked. */
async function freeBytes(path: string): Promise<number | null> {
  try {
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/**
 * Calls `onExceeded` once: when the paths have grown by more than a cap (bytes or files) since the watch began, or
 * the file system's free space fell under the floor.
 */
export function watchDisk(paths: string[], caps: DiskCaps, onExceeded: (grown: DiskGrowth) => void, intervalMs = DISK_CHECK_MS): DiskWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const baseline = diskUse(paths);
  // A disk that is nearly full already is not the jail's doing: the floor is at most half of what was free at start.
  const floor = caps.minFreeBytes === undefined || paths.length === 0 ? Promise.resolve(null)
    : freeBytes(paths[0]).then((free) => (free === null ? null : Math.min(caps.minFreeBytes!, free / 2)));
  const grew = (start: number | null, now: number | null) => (start !== null && now !== null ? now - start : 0);
  const look = async () => {
    const [start, now, minFree, free] = [await baseline, await diskUse(paths), await floor, paths.length ? await freeBytes(paths[0]) : null];
    if (stopped) return;
    const grownBytes = grew(start.bytes, now.bytes);
    const grownFiles = grew(start.files, now.files);
    let exceeded: DiskGrowth | null = null;
    if (minFree !== null && free !== null && free < minFree) {
      exceeded = { grownBytes, grownFiles, freeBytes: free, minFreeBytes: Math.round(minFree),
        reason: `left the disk with ${size(free)} free, under the ${size(minFree)} evolve keeps free` };
    } else if (caps.bytes !== undefined && grownBytes > caps.bytes) {
      exceeded = { grownBytes, grownFiles, reason: `wrote ${size(grownBytes)} to disk, more than its ${size(caps.bytes)}` };
    } else if (caps.files !== undefined && grownFiles > caps.files) {
      exceeded = { grownBytes, grownFiles, reason: `created ${grownFiles} files, more than its ${caps.files}` };
    }
    if (exceeded) {
      stopped = true;
      onExceeded(exceeded);
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
