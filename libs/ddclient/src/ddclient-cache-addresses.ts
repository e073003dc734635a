import { isIP } from 'node:net';
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DdclientConfig } from '@jarvis/config';
import type { PushedAddresses, PushedAddressPort } from '@jarvis/registry';
import { GuardedFileError, GuardedFileReader } from './guarded-file-reader.js';
import { parseDdclientConfig } from './parse-ddclient-config.js';

const MAX_CACHE_BYTES = 1024 * 1024;

/** Where ddclient 3.10 keeps the address it last published per host: `ip` (3.9 and before), `ipv4`, `ipv6`. */
const ADDRESS_FIELDS = ['ipv4', 'ipv6', 'ip'] as const;

/**
 * What ddclient last published for a name, read from its cache file (`-cache`). ddclient writes the cache in its
 * config syntax (`ip=…,mtime=…,status=… host`), so ddclient.conf's parser reads it; an address is written there only
 * after a successful update, so a failing ddclient leaves the last good one.
 */
export class DdclientCacheAddresses implements PushedAddressPort {
  constructor(private readonly settings: Pick<DdclientConfig, 'cache'>) {}

  async lastPushed(domain: string): Promise<PushedAddresses> {
    const text = await this.readCache();
    if (typeof text !== 'string') return text;
    const host = parseDdclientConfig(text).hosts.find((h) => h.name === domain);
    if (!host) return { addresses: null, why: `ddclient's cache ${this.settings.cache} has no entry for ${domain}: it has published nothing for it` };
    const addresses = [...new Set(ADDRESS_FIELDS.map((field) => host.settings.get(field)?.value ?? '').filter((value) => isIP(value) !== 0))];
    return addresses.length > 0 ? { addresses } : { addresses: null, why: `ddclient's cache ${this.settings.cache} holds no published address for ${domain}` };
  }

  private async readCache(): Promise<string | PushedAddresses> {
    const path = this.settings.cache;
    if (!(await exists(path))) return { addresses: null, why: `no ddclient cache at ${path}: ddclient has published nothing yet` };
    try {
      // The folder the cache is configured in, not the folder a symlinked cache leads to.
      const reader = await GuardedFileReader.forFolders([dirname(path)]);
      return await reader.read(path, MAX_CACHE_BYTES);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof GuardedFileError || code) return { addresses: null, why: `ddclient's cache ${path} cannot be read (${code ?? (error as Error).message})` };
      throw error;
    }
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
