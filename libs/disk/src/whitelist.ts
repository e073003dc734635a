import { constants, type BigIntStats } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { DiskPathError, errorCode } from './disk-path-error.js';
import { mountIdOf } from './mount-id.js';

/** A folder a cleanup may work in, pinned at load by its real path and its identity on disk. */
export interface WhitelistedFolder {
  /** As written in jarvis.yaml. */
  readonly configured: string;
  /** Resolved with realpath at load; every folder entered must resolve inside it. */
  readonly realPath: string;
  readonly dev: bigint;
  readonly ino: bigint;
  /** Entries on another mount (a nested mount, a bind mount) are never entered. */
  readonly mountId: number;
}

/**
 * Folders whose every old file is someone's installed or personal data: a whitelist entry resolving to one of them is
 * a configuration mistake (`tmpFolders: [/]` would age out /usr), refused at load. Their subfolders (/var/tmp,
 * /var/log) are fine.
 */
const SYSTEM_FOLDERS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/usr', '/var']);

export const DIRECTORY_NO_FOLLOW = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Resolves each folder with realpath and records its identity; throws DiskPathError naming the first folder that is
 * not an absolute path to a directory. Load once at start: a folder swapped later no longer matches its identity.
 */
export async function loadWhitelist(folders: readonly string[]): Promise<WhitelistedFolder[]> {
  const loaded: WhitelistedFolder[] = [];
  for (const configured of folders) loaded.push(await loadFolder(configured));
  return loaded;
}

async function loadFolder(configured: string): Promise<WhitelistedFolder> {
  if (typeof configured !== 'string' || !configured.startsWith('/') || configured.includes('\0')) {
    throw new DiskPathError(String(configured), 'a whitelisted folder must be an absolute path without NUL bytes');
  }
  let realPath: string;
  try {
    realPath = await realpath(configured);
  } catch (error) {
    throw new DiskPathError(configured, `cannot resolve (${errorCode(error)})`);
  }
  if (SYSTEM_FOLDERS.has(realPath)) throw new DiskPathError(configured, `resolves to the system folder ${realPath}: refusing to clean it as a whole`);
  const handle = await open(realPath, DIRECTORY_NO_FOLLOW).catch((error: unknown) => {
    throw new DiskPathError(configured, `not a directory that can be opened (${errorCode(error)})`);
  });
  try {
    const stats: BigIntStats = await handle.stat({ bigint: true });
    return { configured, realPath, dev: stats.dev, ino: stats.ino, mountId: await mountIdOf(handle.fd) };
  } finally {
    await handle.close();
  }
}
