import type { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { DEFAULT_CA_FILE_DIRS, readCaBundle } from '@jarvis/http-probe';
import type { CertificateFacts, TlsHandshakeTarget, TlsPort, TlsReading } from '@jarvis/registry';
import { judgeChainTrust, nameOf } from './chain-trust.js';
import { shakeHands } from './tls-handshake.js';
import { trustedCas } from './trusted-cas.js';

export type NetworkTlsProbeOptions = {
  /** Folders a caFile may live in (real paths, symlinks resolved). */
  caFileDirs?: readonly string[];
  clock?: () => Date;
};

/** The TLS kind's port on the real network: the handshake, then the chain and the name checked here, not by OpenSSL. */
export class NetworkTlsProbe implements TlsPort {
  private readonly caFileDirs: readonly string[];
  private readonly clock: () => Date;

  constructor(options: NetworkTlsProbeOptions = {}) {
    this.caFileDirs = options.caFileDirs ?? DEFAULT_CA_FILE_DIRS;
    this.clock = options.clock ?? (() => new Date());
  }

  /** A caFile that cannot be read is thrown (a probe error naming the file), never a verdict on the certificate. */
  async handshake(target: TlsHandshakeTarget, signal: AbortSignal): Promise<TlsReading> {
    const trusted = trustedCas(target.caFile === undefined ? undefined : await readCaBundle(target.caFile, this.caFileDirs));
    const outcome = await shakeHands(target, signal);
    const observedAt = this.clock();
    if (outcome.kind !== 'presented') return { ...outcome, observedAt };
    const leaf = outcome.chain[0];
    if (!leaf) return { kind: 'no_certificate', observedAt, reason: 'the handshake completed without a certificate' };
    return { kind: 'presented', observedAt, certificate: factsOf(leaf, outcome.peer, target.servername, judgeChainTrust(outcome.chain, trusted)) };
  }
}

function factsOf(leaf: X509Certificate, peer: PeerCertificate, servername: string, trust: CertificateFacts['trust']): CertificateFacts {
  const mismatch = checkServerIdentity(servername, peer);
  return {
    subject: nameOf(leaf.subject),
    issuer: nameOf(leaf.issuer),
    names: (leaf.subjectAltName ?? '').split(', ').filter((name) => name !== ''),
    validFrom: new Date(leaf.validFrom),
    validTo: new Date(leaf.validTo),
    hostnameProblem: mismatch ? mismatch.message : null,
    trust,
  };
}
