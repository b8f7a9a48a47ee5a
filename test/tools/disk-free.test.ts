/**
 * The free-space floor of the disk watch (src/tools/sandbox/disk.ts), on a real, small file system: a 64 MiB tmpfs
 * mounted for the test (root only; elsewhere the test says why it cannot run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchDisk, type DiskGrowth } from '../../src/tools/sandbox/disk.ts';
import { waitFor } from '../wait.ts';

const MIB = 1024 * 1024;
const mountPoint = mkdtempSync(path.join(tmpdir(), 'evolve-smallfs-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint]).status === 0;
if (!mounted) {
  console.error(`disk-free test skipped: cannot mount a tmpfs at ${mountPoint} (needs root)`);
  rmSync(mountPoint, { recursive: true, force: true });
}

describe.skipIf(!mounted)('the disk watch keeps the file system from filling up', () => {
  afterAll(() => {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('fires once free space falls under the floor (at most half of what was free at the start), not before', async () => {
    const dir = path.join(mountPoint, 'ws');
    execFileSync('mkdir', [dir]);
    let fired: DiskGrowth | null = null;
    // Floor: min(48 MiB, 64 MiB / 2) = 32 MiB free.
    const watch = watchDisk([dir], { minFreeBytes: 48 * MIB }, (g) => (fired = g), 50);
    writeFileSync(path.join(dir, 'a'), Buffer.alloc(16 * MIB, 1)); // 48 MiB free: above the floor
    const before = watch.looks;
    await waitFor(() => watch.looks >= before + 2, 'two looks at 48 MiB free');
    expect(fired).toBeNull();
    writeFileSync(path.join(dir, 'b'), Buffer.alloc(24 * MIB, 1)); // 24 MiB free: under it
    await waitFor(() => fired, 'the watch to fire');
    watch.stop();
    expect(fired).not.toBeNull();
    expect(fired!.minFreeBytes).toBe(32 * MIB);
    expect(fired!.freeBytes).toBeLessThan(32 * MIB);
    expect(fired!.reason).toMatch(/^left the disk with \d+ MiB free, under the 32 MiB evolve keeps free$/);
  });
});
