import { classifyAddress } from './address-class.js';

export type ResolvedAddress = { readonly address: string; readonly family: 4 | 6 };

/** Resolves a host name to its addresses, in the order to try them. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The addresses the probe may connect to, in the resolver's order, or why it may connect to none. */
export type AddressVetting = { ok: true; addresses: ResolvedAddress[] } | { ok: false; reason: string };

const CLASS_NAMES = { cloud_metadata: 'a cloud metadata address', link_local: 'a link-local address' } as const;

/**
 * Vets every address of a host. One refused address refuses the host: a name that resolves to a metadata address
 * among others is an attempt, not an accident, and which address gets tried first is not ours to control.
 */
export function vetAddresses(host: string, addresses: readonly ResolvedAddress[], allowLinkLocal: boolean): AddressVetting {
  if (addresses.length === 0) return { ok: false, reason: `${host} resolves to no address` };
  if (allowLinkLocal) return { ok: true, addresses: [...addresses] };
  for (const candidate of addresses) {
    const addressClass = classifyAddress(candidate.address);
    if (addressClass === 'ordinary') continue;
    const named = candidate.address === host ? candidate.address : `${host} resolves to ${candidate.address}`;
    return { ok: false, reason: `${named}, ${CLASS_NAMES[addressClass]}: refused (allowLinkLocal is false)` };
  }
  return { ok: true, addresses: [...addresses] };
}
