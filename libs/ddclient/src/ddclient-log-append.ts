import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Appends already-redacted ddclient output to its log: the folder is resolved (symlinks too) and the file itself is
 * opened without following a symlink, so a planted link cannot turn the append into a write elsewhere.
 */
export async function appendToDdclientLog(path: string, text: string): Promise<void> {
  const real = join(await realpath(dirname(path)), basename(path));
  const handle = await open(real, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
  try {
    await handle.appendFile(text.endsWith('\n') ? text : `${text}\n`);
  } finally {
    await handle.close();
  }
}
