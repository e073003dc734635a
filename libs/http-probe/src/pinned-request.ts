import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import type { EndpointMethod } from '@jarvis/config';
import type { ResolvedAddress } from './address-guard.js';
import { pinnedLookup } from './pinned-lookup.js';
import { trustContextFor } from './trust-context.js';

/** One request, to be sent to the vetted addresses only. */
export type PinnedRequest = {
  url: URL;
  method: EndpointMethod;
  /** Vetted, in the order to try them. */
  addresses: readonly ResolvedAddress[];
  tlsVerify: boolean;
  /** PEM trusted on top of the system's CAs. */
  extraCa?: string | undefined;
};

export type OpenedAnswer = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
  /** The address that answered, when the connect step knows it. */
  remoteAddress: string | null;
};

/** The connect step: sends the request and gives the answer once its head arrived. */
export type HttpConnector = (request: PinnedRequest, signal: AbortSignal) => Promise<OpenedAnswer>;

/** The host as `http.request` wants it: an IPv6 literal without its brackets. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Node's own client, pinned to the vetted addresses; no pooled connection, no redirect followed. */
export const connectPinned: HttpConnector = (pinned, signal) =>
  new Promise((resolve, reject) => {
    const send = pinned.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(requestOptions(pinned, signal), (answer) => {
      resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: answer, remoteAddress: answer.socket.remoteAddress ?? null });
    });
    // Errors after the answer began surface on the body; this listener keeps them from being unhandled.
    request.on('error', reject);
    request.end();
  });

/** `https.request` passes every `tls.connect` option on; its type leaves `secureContext` out. */
type PinnedRequestOptions = RequestOptions & Pick<ConnectionOptions, 'secureContext'>;

function requestOptions(pinned: PinnedRequest, signal: AbortSignal): PinnedRequestOptions {
  const hostname = bareHostname(pinned.url);
  return {
    protocol: pinned.url.protocol,
    hostname,
    port: pinned.url.port || undefined,
    path: `${pinned.url.pathname}${pinned.url.search}`,
    method: pinned.method,
    // identity: the body is searched as sent, never decompressed (a small gzip body can inflate without bound).
    headers: { 'user-agent': 'jarvis-http-probe', accept: '*/*', 'accept-encoding': 'identity', connection: 'close' },
    agent: false,
    lookup: pinnedLookup(pinned.addresses),
    signal,
    rejectUnauthorized: pinned.tlsVerify,
    secureContext: pinned.extraCa === undefined ? undefined : trustContextFor(pinned.extraCa),
    // SNI carries names only; an IP literal is checked against the certificate's IP entries instead.
    servername: isIP(hostname) === 0 ? hostname : undefined,
  };
}
