import type { X509Certificate } from 'node:crypto';
import type { TrustVerdict } from '@jarvis/registry';

const MAX_DEPTH = 10;

/**
 * Walks from the leaf up through the presented certificates, each link checked by name and signature, until a
 * trusted CA signed the current one (or is the current one). Dates are not judged here: that needs a clock.
 */
export function judgeChainTrust(chain: readonly X509Certificate[], trusted: readonly X509Certificate[]): TrustVerdict {
  const leaf = chain[0];
  if (!leaf) return { kind: 'untrusted', reason: 'no certificate presented' };
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    const anchor = trusted.find((ca) => ca.raw.equals(current.raw) || issued(ca, current));
    if (anchor) return { kind: 'trusted', anchor: nameOf(anchor.subject) };
    if (issued(current, current)) return current === leaf ? { kind: 'self_signed' } : { kind: 'untrusted', reason: `the chain ends at the self-signed ${nameOf(current.subject)}, not a trusted CA` };
    const issuer = chain.find((candidate) => candidate !== current && issued(candidate, current));
    if (!issuer) return { kind: 'untrusted', reason: `the issuer ${nameOf(current.issuer)} was not presented and is not a trusted CA` };
    current = issuer;
  }
  return { kind: 'untrusted', reason: `no trusted CA within ${MAX_DEPTH} certificates` };
}

/** `issuer` issued `certificate`: the names link and the signature verifies with the issuer's key. */
function issued(issuer: X509Certificate, certificate: X509Certificate): boolean {
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

/** X.509 names print one attribute per line; evidence wants them on one. Node gives no name at all for an empty one. */
export function nameOf(distinguishedName: string | undefined): string {
  return (distinguishedName ?? '').trim().split('\n').join(', ') || '(empty name)';
}
