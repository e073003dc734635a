import { readFile, realpath, stat, statfs } from 'node:fs/promises';
import { DiskPathError, errorCode } from './disk-path-error.js';
import { enclosingMountPoint, mountPointsOf } from './mountinfo.js';

export interface DiskUsage {
  /** The mount point read, resolved with realpath. */
  readonly mount: string;
  readonly totalBytes: number;
  /** Total minus free blocks, as df counts it (blocks reserved for root are used by nobody and counted in neither). */
  readonly usedBytes: number;
  /** Free to unprivileged users (f_bavail), as df's Avail. */
  readonly availableBytes: number;
  /** used / (used + available) × 100, unrounded; df prints it rounded up. 0 for a filesystem with no blocks. */
  readonly usedPercent: number;
}

/**
 * statfs of a configured mount point. Throws DiskPathError naming the path when it is not an absolute path, cannot
 * be resolved, is not a directory, is not itself a mount point (a folder below one would report its parent's
 * filesystem under the wrong name), or cannot be read.
 */
export async function readDiskUsage(mount: string): Promise<DiskUsage> {
  const realPath = await resolvedMountPoint(mount);
  let stats;
  try {
    stats = await statfs(realPath, { bigint: true });
  } catch (error) {
    throw new DiskPathError(mount, `cannot read filesystem statistics (${errorCode(error)})`);
  }
  const blockSize = stats.bsize;
  const total = stats.blocks * blockSize;
  const used = (stats.blocks - stats.bfree) * blockSize;
  const available = stats.bavail * blockSize;
  const usedPercent = used + available === 0n ? 0 : (Number(used) / Number(used + available)) * 100;
  return { mount: realPath, totalBytes: Number(total), usedBytes: Number(used), availableBytes: Number(available), usedPercent };
}

async function resolvedMountPoint(mount: string): Promise<string> {
  if (typeof mount !== 'string' || !mount.startsWith('/') || mount.includes('\0')) {
    throw new DiskPathError(String(mount), 'a mount must be an absolute path without NUL bytes');
  }
  let realPath: string;
  try {
    realPath = await realpath(mount);
    if (!(await stat(realPath)).isDirectory()) throw new DiskPathError(mount, 'not a directory');
  } catch (error) {
    if (error instanceof DiskPathError) throw error;
    throw new DiskPathError(mount, `cannot resolve (${errorCode(error)})`);
  }
  const mountPoints = mountPointsOf(await readFile('/proc/self/mountinfo', 'utf8'));
  if (!mountPoints.includes(realPath)) {
    const enclosing = enclosingMountPoint(realPath, mountPoints) ?? '/';
    throw new DiskPathError(mount, `not a mount point (it lies on the filesystem mounted at ${enclosing})`);
  }
  return realPath;
}
