import type { DdclientConfig } from '@jarvis/config';
import type { DdclientPublications } from '@jarvis/registry';
import { readDdclientCache } from './ddclient-cache-file.js';
import type { DdclientDocument } from './ddclient-document.js';
import { parseDdclientConfig } from './parse-ddclient-config.js';

/**
 * When ddclient last published each host of its config: the cache's `mtime` (epoch seconds), which ddclient 3.10
 * sets only after the update succeeded (a failed one changes `atime` and `status`). A host the cache does not list,
 * or lists with no valid `mtime`, was never published.
 */
export async function readPublications(ddclient: Pick<DdclientConfig, 'cache'>, config: DdclientDocument): Promise<DdclientPublications> {
  const cache = await readDdclientCache(ddclient.cache);
  if ('why' in cache) return { unreadable: cache.why };
  const cached = parseDdclientConfig(cache.text).hosts;
  const hosts = [...new Set(config.hosts.map((h) => h.name))].map((host) => ({ host, publishedAt: publishedAt(cached.find((c) => c.name === host)?.settings.get('mtime')?.value) }));
  return { hosts };
}

function publishedAt(mtime: string | undefined): Date | null {
  if (mtime === undefined || !/^[1-9][0-9]{0,11}$/.test(mtime)) return null;
  return new Date(Number(mtime) * 1000);
}
