import type { BigIntStats } from 'node:fs';
import { lstat, open, opendir, readlink, unlink, type FileHandle } from 'node:fs/promises';
import { errorCode } from './disk-path-error.js';
import { mountIdOf } from './mount-id.js';
import { isInsideRoot } from './path-guard.js';
import { DIRECTORY_NO_FOLLOW, type WhitelistedFolder } from './whitelist.js';

export type Opened = { readonly ok: true; readonly directory: PinnedDirectory } | { readonly ok: false; readonly reason: string };

/**
 * A directory held open by descriptor. Its entries are addressed as `/proc/self/fd/<fd>/<name>`: the kernel resolves
 * the `/proc/self/fd/<fd>` magic link to the very directory that was opened and checked, never by its path again, so
 * renaming that directory or swapping it (or any folder above it) for a symlink after the check cannot redirect an
 * lstat, an open or an unlink to another place. The last component is never followed: lstat and unlink do not follow
 * it, and children are opened with O_NOFOLLOW.
 */
export class PinnedDirectory {
  private constructor(
    private readonly handle: FileHandle,
    /** Where the directory was when opened and checked; for reports only, never used to reach it. */
    readonly realPath: string,
  ) {}

  /** Opens a whitelisted root and checks it is still the directory recorded at load. */
  static async openRoot(root: WhitelistedFolder): Promise<Opened> {
    let handle: FileHandle;
    try {
      handle = await open(root.realPath, DIRECTORY_NO_FOLLOW);
    } catch (error) {
      return { ok: false, reason: `cannot open the whitelisted folder (${errorCode(error)})` };
    }
    return PinnedDirectory.verified(handle, root, { dev: root.dev, ino: root.ino });
  }

  /** Opens the child directory `name`, which lstat showed as `seen`, and checks it before anything inside is touched. */
  async openChild(name: string, seen: BigIntStats, root: WhitelistedFolder): Promise<Opened> {
    let handle: FileHandle;
    try {
      handle = await open(this.entry(name), DIRECTORY_NO_FOLLOW);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ELOOP' || code === 'ENOTDIR') return { ok: false, reason: 'became a symbolic link or a non-directory during the walk' };
      return { ok: false, reason: `cannot open (${code})` };
    }
    return PinnedDirectory.verified(handle, root, seen);
  }

  /** Entry names as raw bytes, read lazily so a huge directory costs only what the caller consumes. */
  async *names(): AsyncGenerator<Uint8Array> {
    // Node accepts 'buffer' here (names come back undecoded) although @types/node 20 only lists text encodings.
    const dir = await opendir(this.procPath(), { encoding: 'buffer' as BufferEncoding, bufferSize: 64 });
    for await (const entry of dir) {
      const name: unknown = entry.name;
      if (!(name instanceof Uint8Array)) throw new TypeError('opendir returned a decoded name; raw bytes are required');
      yield name;
    }
  }

  lstat(name: string): Promise<BigIntStats> {
    return lstat(this.entry(name), { bigint: true });
  }

  /** Removes the name from this pinned directory; unlink never follows a symlink and refuses a directory. */
  unlink(name: string): Promise<void> {
    return unlink(this.entry(name));
  }

  childPath(name: string): string {
    return this.realPath === '/' ? `/${name}` : `${this.realPath}/${name}`;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /**
   * Keeps the descriptor only if it is the directory lstat showed (not one swapped in since), on the root's device
   * and mount, and resolves inside the root. Closes it otherwise.
   */
  private static async verified(handle: FileHandle, root: WhitelistedFolder, seen: { dev: bigint; ino: bigint }): Promise<Opened> {
    let reason: string | undefined;
    let realPath = '';
    try {
      const stats = await handle.stat({ bigint: true });
      realPath = await readlink(`/proc/self/fd/${handle.fd}`);
      if (stats.dev !== seen.dev || stats.ino !== seen.ino) reason = 'was replaced by another directory during the walk';
      else if (stats.dev !== root.dev) reason = 'is on another filesystem (mount point): not entered';
      else if ((await mountIdOf(handle.fd)) !== root.mountId) reason = 'is another mount of the same filesystem (bind mount): not entered';
      else if (!isInsideRoot(realPath, root.realPath)) reason = `resolves to ${realPath}, outside the whitelisted folder ${root.realPath}`;
    } catch (error) {
      reason = `cannot be checked (${errorCode(error)})`;
    }
    if (reason === undefined) return { ok: true, directory: new PinnedDirectory(handle, realPath) };
    await handle.close();
    return { ok: false, reason };
  }

  private procPath(): string {
    return `/proc/self/fd/${this.handle.fd}`;
  }

  private entry(name: string): string {
    return `${this.procPath()}/${name}`;
  }
}
