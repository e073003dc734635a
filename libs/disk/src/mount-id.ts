import { readFile } from 'node:fs/promises';

/**
 * The mount an open descriptor lies on, from `/proc/self/fdinfo/<fd>` (Linux 3.15+). The device number alone misses a
 * bind mount of the same filesystem; the mount id does not.
 */
export async function mountIdOf(fd: number): Promise<number> {
  const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
  const match = /^mnt_id:\s*(\d+)$/mu.exec(info);
  if (!match) throw new Error(`/proc/self/fdinfo/${fd} has no mnt_id line`);
  return Number(match[1]);
}
