import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

const PEM_CERTIFICATES = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** More distinct CA bundles than any lab has; past it the cache starts over rather than grow. */
const MAX_BUNDLES = 64;
const parsed = new Map<string, readonly X509Certificate[]>();
let systemRoots: readonly X509Certificate[] | undefined;

/** Node's bundled roots plus one PEM bundle, parsed once per bundle: the ~140 roots are not parsed again per probe. */
export function trustedCas(extraPem: string | undefined): readonly X509Certificate[] {
  systemRoots ??= rootCertificates.map((pem) => new X509Certificate(pem));
  if (extraPem === undefined) return systemRoots;
  const cached = parsed.get(extraPem);
  if (cached) return cached;
  if (parsed.size >= MAX_BUNDLES) parsed.clear();
  const all = [...systemRoots, ...(extraPem.match(PEM_CERTIFICATES) ?? []).map((pem) => new X509Certificate(pem))];
  parsed.set(extraPem, all);
  return all;
}
