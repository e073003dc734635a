import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** More distinct CA bundles than any lab has; past it the cache starts over rather than grow. */
const MAX_CONTEXTS = 64;
const contexts = new Map<string, SecureContext>();

/**
 * The system's CAs plus one PEM bundle, parsed once per bundle: a `ca` option on each request would parse the
 * ~140 system roots again for every probe of every endpoint that names a caFile.
 */
export function trustContextFor(extraCa: string): SecureContext {
  const cached = contexts.get(extraCa);
  if (cached) return cached;
  if (contexts.size >= MAX_CONTEXTS) contexts.clear();
  const context = createSecureContext({ ca: [...rootCertificates, extraCa] });
  contexts.set(extraCa, context);
  return context;
}
