import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import type { TlsHandshakeTarget } from '@jarvis/registry';
import { peerChainOf } from './peer-chain.js';

/** A handshake's raw result: the chain and the peer's certificate as Node details it, or how it failed. */
export type HandshakeOutcome =
  | { kind: 'presented'; chain: X509Certificate[]; peer: PeerCertificate }
  | { kind: 'no_certificate'; reason: string }
  | { kind: 'unreachable'; reason: string };

/**
 * One TLS handshake with SNI to an IP address (never a name: nothing is resolved). The chain is taken whatever it
 * is (`rejectUnauthorized: false`): judging it is the caller's job. A failure once TCP is connected means the server
 * would not present a certificate for that name; before, that nobody answered.
 */
export function shakeHands(target: TlsHandshakeTarget, signal: AbortSignal): Promise<HandshakeOutcome> {
  if (isIP(target.address) === 0) return Promise.resolve({ kind: 'unreachable', reason: `${target.address} is not an IP address` });
  const where = `${target.address.includes(':') ? `[${target.address}]` : target.address}:${target.port}`;
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const socket = connect({ host: target.address, port: target.port, servername: target.servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    // The first of secureConnect, error, close, the deadline or the cancellation decides; destroying the socket fires close.
    const finish = (outcome: HandshakeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: 'unreachable', reason: `${where}: the probe was cancelled` });
    const timer = setTimeout(() => finish({ kind: 'unreachable', reason: `${where}: no ${connected ? 'TLS handshake' : 'connection'} within ${target.timeoutMs} ms` }), target.timeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => (connected = true));
    socket.once('secureConnect', () => finish({ kind: 'presented', chain: peerChainOf(socket), peer: socket.getPeerCertificate() }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code ?? error.message;
      finish(connected ? { kind: 'no_certificate', reason: `${where} ended the handshake for ${target.servername} (${why})` } : { kind: 'unreachable', reason: `${where}: ${why}` });
    });
    socket.once('close', () => finish(connected ? { kind: 'no_certificate', reason: `${where} closed the connection during the handshake for ${target.servername}` } : { kind: 'unreachable', reason: `${where}: connection closed` }));
  });
}
