import type { LookupAddress, LookupOptions } from 'node:dns';
import type { ResolvedAddress } from './address-guard.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that answers every query with the addresses already vetted, so the connection goes
 * where the guard looked, whatever DNS would say by now (rebinding). The host name itself stays in the request for
 * the Host header, SNI and certificate checks. Node asks for `all` when it tries address after address (`localhost`
 * as ::1 then 127.0.0.1 reaches a server listening on either).
 */
export function pinnedLookup(pinned: readonly ResolvedAddress[]) {
  const [first] = pinned;
  if (!first) throw new RangeError('pinnedLookup: no address to pin');
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    if (options.all) callback(null, pinned.map(({ address, family }) => ({ address, family })));
    else callback(null, first.address, first.family);
  };
}
