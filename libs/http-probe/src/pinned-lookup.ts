import type { LookupAddress, LookupOptions } from 'node:dns';
import type { ResolvedAddress } from './address-guard.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that answers every query with the address already vetted, so the connection goes
 * where the guard looked, whatever DNS would say by now (rebinding). The host name itself stays in the request for
 * the Host header, SNI and certificate checks. Node asks for `all` when it races address families.
 */
export function pinnedLookup(pinned: ResolvedAddress) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}
