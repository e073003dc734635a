import { connect } from 'node:tls';

export type Handshake = { ok: true; authorized: boolean; subjectAltName: string; issuer: string } | { ok: false; error: string };

const HANDSHAKE_TIMEOUT_MS = 10_000;

/** A TLS handshake with SNI `servername` to 127.0.0.1:`port`, judged against `ca` only. */
export function tlsHandshake(port: number, servername: string, ca: string): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca, rejectUnauthorized: false, timeout: HANDSHAKE_TIMEOUT_MS });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const authorized = socket.authorized;
      socket.destroy();
      resolve({ ok: true, authorized, subjectAltName: certificate.subjectaltname ?? '', issuer: String(certificate.issuer?.CN ?? '') });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ ok: false, error: `no handshake within ${HANDSHAKE_TIMEOUT_MS} ms` });
    });
    socket.once('error', (error) => resolve({ ok: false, error: error.message }));
  });
}
