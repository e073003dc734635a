import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, normalize, sep } from 'node:path';

/** A file Jarvis may not or cannot read; the message names the file and the reason, never its content. */
export class GuardedFileError extends Error {
  override readonly name = 'GuardedFileError';
}

/**
 * Reads files only inside whitelisted folders, judged on the real path (symlinks and `..` resolved), opened without
 * following a final symlink and checked to be the very file that was judged (device and inode).
 */
export class GuardedFileReader {
  private constructor(private readonly folders: readonly string[]) {}

  /** Resolves the folders once; a missing folder is an error naming it. */
  static async forFolders(folders: readonly string[]): Promise<GuardedFileReader> {
    const resolved = await Promise.all(
      folders.map(async (folder) => {
        try {
          return await realpath(folder);
        } catch (error) {
          throw new GuardedFileError(`folder ${folder} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }),
    );
    return new GuardedFileReader(resolved);
  }

  /** The folder of a file, for a whitelist that starts with the config file's own folder. */
  static async folderOf(path: string): Promise<string> {
    return dirname(await realpath(path));
  }

  /** The whole file, refused when larger than `maxBytes`. */
  async read(path: string, maxBytes: number): Promise<string> {
    return this.withFile(path, async (handle, size) => {
      if (size > maxBytes) throw new GuardedFileError(`${path} is larger than ${maxBytes} bytes`);
      return (await handle.readFile()).toString('utf8');
    });
  }

  /** The last `maxBytes` of the file (a log), starting at a whole line. */
  async readTail(path: string, maxBytes: number): Promise<string> {
    return this.withFile(path, async (handle, size) => {
      const start = Math.max(0, size - maxBytes);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const text = buffer.toString('utf8');
      return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
    });
  }

  private async withFile<T>(path: string, use: (handle: FileHandle, size: number) => Promise<T>): Promise<T> {
    const real = await this.judge(path);
    const judged = await stat(real);
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
      throw new GuardedFileError(`${path} cannot be opened (${error.code ?? 'error'})`);
    });
    try {
      const opened = await handle.stat();
      if (!opened.isFile()) throw new GuardedFileError(`${path} is not a regular file`);
      if (opened.dev !== judged.dev || opened.ino !== judged.ino) throw new GuardedFileError(`${path} changed while it was being opened`);
      return await use(handle, opened.size);
    } finally {
      await handle.close();
    }
  }

  private async judge(path: string): Promise<string> {
    if (path.includes('\0')) throw new GuardedFileError('a path contains a NUL byte');
    if (!isAbsolute(path) || normalize(path) !== path) throw new GuardedFileError(`${JSON.stringify(path.slice(0, 256))} is not an absolute, normalized path`);
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      throw new GuardedFileError(`${path} does not exist or cannot be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!this.folders.some((folder) => real === folder || real.startsWith(folder.endsWith(sep) ? folder : folder + sep))) {
      throw new GuardedFileError(`${path} is outside the folders Jarvis may read (${this.folders.join(', ')})`);
    }
    return real;
  }
}
