/** Where and how to shake hands: the address is configured, so the check never depends on DNS. */
export type TlsHandshakeTarget = { servername: string; address: string; port: number; caFile?: string; timeoutMs: number };

/** How the presented chain relates to the trusted CAs (the system's plus the configured bundle). */
export type TrustVerdict =
  | { kind: 'trusted'; anchor: string }
  | { kind: 'self_signed' }
  | { kind: 'untrusted'; reason: string };

/** The leaf certificate as presented, checked by the adapter for name and chain; its dates are judged with the reading's time. */
export type CertificateFacts = {
  subject: string;
  issuer: string;
  names: readonly string[];
  validFrom: Date;
  validTo: Date;
  hostnameProblem: string | null;
  trust: TrustVerdict;
};

/** One handshake: a certificate, an alert instead of one, or nobody answering. A fault is a reading, never an exception. */
export type TlsReading =
  | { kind: 'presented'; observedAt: Date; certificate: CertificateFacts }
  | { kind: 'no_certificate'; observedAt: Date; reason: string }
  | { kind: 'unreachable'; observedAt: Date; reason: string };

/** The port to the network; `@jarvis/tls-probe`'s adapter connects with SNI and verifies the chain itself. */
export interface TlsPort {
  handshake(target: TlsHandshakeTarget, signal: AbortSignal): Promise<TlsReading>;
}
