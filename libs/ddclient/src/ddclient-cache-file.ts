import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GuardedFileError, GuardedFileReader } from './guarded-file-reader.js';

const MAX_CACHE_BYTES = 1024 * 1024;

/** ddclient's cache file as text, or why there is none to read (absent, outside its folder, unreadable). */
export type DdclientCacheText = { readonly text: string } | { readonly why: string };

/** Reads the cache only inside the folder it is configured in, not the folder a symlinked cache leads to. */
export async function readDdclientCache(path: string): Promise<DdclientCacheText> {
  if (!(await exists(path))) return { why: `no ddclient cache at ${path}: ddclient has published nothing yet` };
  try {
    const reader = await GuardedFileReader.forFolders([dirname(path)]);
    return { text: await reader.read(path, MAX_CACHE_BYTES) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof GuardedFileError || code) return { why: `ddclient's cache ${path} cannot be read (${code ?? (error as Error).message})` };
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    // Anything else (a folder Jarvis may not enter) is for the guarded read to name.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
