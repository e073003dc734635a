import { isIP } from 'node:net';
import type { DdclientConfig } from '@jarvis/config';
import type { PushedAddresses, PushedAddressPort } from '@jarvis/registry';
import { readDdclientCache } from './ddclient-cache-file.js';
import { parseDdclientConfig } from './parse-ddclient-config.js';

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
    const cache = await readDdclientCache(this.settings.cache);
    if ('why' in cache) return { addresses: null, why: cache.why };
    const host = parseDdclientConfig(cache.text).hosts.find((h) => h.name === domain);
    if (!host) return { addresses: null, why: `ddclient's cache ${this.settings.cache} has no entry for ${domain}: it has published nothing for it` };
    const addresses = [...new Set(ADDRESS_FIELDS.map((field) => host.settings.get(field)?.value ?? '').filter((value) => isIP(value) !== 0))];
    return addresses.length > 0 ? { addresses } : { addresses: null, why: `ddclient's cache ${this.settings.cache} holds no published address for ${domain}` };
  }
}
