import { lookup } from 'node:dns/promises';
import { parseExpectedStatus, type HttpEndpointConfig } from '@jarvis/config';
import { vetAddresses, type HostResolver, type ResolvedAddress } from './address-guard.js';
import { readBoundedBody } from './bounded-body.js';
import { CaFileRefused, DEFAULT_CA_FILE_DIRS, readCaBundle } from './ca-bundle.js';
import { judgeAnswer, type AnswerExpectations, type HttpAnswer } from './judge-answer.js';
import { bareHostname, connectPinned, type HttpConnector } from './pinned-request.js';
import { addressWithPort, answerEvidence, probeEvidence } from './probe-evidence.js';
import { classifyRequestError, oneLine, type ProbeFailure } from './probe-failure.js';

export type HttpProbeSpec = Pick<
  HttpEndpointConfig,
  'url' | 'method' | 'expectStatus' | 'maxLatencyMs' | 'bodyContains' | 'jsonField' | 'tlsVerify' | 'caFile' | 'timeoutMs' | 'allowLinkLocal'
>;

export type ProbeOptions = {
  /** Aborting it stops the probe, which then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Default: the system's resolver (getaddrinfo, so /etc/hosts counts), every address in its order. */
  resolve?: HostResolver;
  /** Default: Node's HTTP client pinned to the vetted address. */
  connect?: HttpConnector;
  /** A monotonic clock in milliseconds. Default: performance.now. */
  now?: () => number;
  caFileDirs?: readonly string[];
  /** Default: 64 KiB. */
  maxBodyBytes?: number;
};

export type HttpProbeResult = {
  ok: boolean;
  failure: ProbeFailure | null;
  /** The HTTP status, once an answer's head arrived. */
  status: number | null;
  latencyMs: number;
  /** One line for a human reading the incident. */
  reason: string;
  /** What was asked of which address and what came back, without query strings or body content. */
  evidence: string;
};

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** Reasons and evidence go into events whose text fields hold 1024 characters; a reason leaves room for both. */
const MAX_REASON_CHARS = 500;

export const resolveWithSystem: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/** The probe's deadline passed: told apart from the caller's own abort. */
class ProbeDeadline extends Error {
  override readonly name = 'ProbeDeadline';
}

type Probe = {
  spec: HttpProbeSpec;
  method: HttpProbeSpec['method'];
  url: URL;
  expectations: AnswerExpectations;
  options: ProbeOptions;
  now: () => number;
  started: number;
  signal: AbortSignal;
  /** Filled in as the probe goes, so a failure at any step can say how far it got. */
  addresses: ResolvedAddress[] | null;
  answeredBy: string | null;
  status: number | null;
};

/**
 * Probes one HTTP endpoint once: resolve its host once, refuse link-local and metadata addresses, connect to the
 * vetted addresses only, read a bounded body and judge it. A failing endpoint is a result with `ok: false`; the
 * promise rejects only for an invalid spec (config validates first) or when the caller's signal aborts.
 */
export async function probeHttpEndpoint(spec: HttpProbeSpec, options: ProbeOptions = {}): Promise<HttpProbeResult> {
  const url = new URL(spec.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`url: must be http or https, not ${url.protocol}`);
  const expectations = { status: parseExpectedStatus(spec.expectStatus), maxLatencyMs: spec.maxLatencyMs, bodyContains: spec.bodyContains, jsonField: spec.jsonField };
  const now = options.now ?? (() => performance.now());
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new ProbeDeadline(`no answer within ${spec.timeoutMs} ms`)), spec.timeoutMs);
  // Linked by hand rather than AbortSignal.any: the caller's signal lives for thousands of probes, and its
  // listener is removed the moment this one ends.
  const onCallerAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted) onCallerAbort();
  const probe: Probe = { spec, method: spec.method, url, expectations, options, now, started: now(), signal: stop.signal, addresses: null, answeredBy: null, status: null };
  try {
    return await runProbe(probe);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    return failedOnError(probe, error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

async function runProbe(probe: Probe): Promise<HttpProbeResult> {
  const host = bareHostname(probe.url);
  const addresses = await untilAborted(() => resolveHost(host, probe.options.resolve ?? resolveWithSystem), probe.signal);
  const vetting = vetAddresses(host, addresses, probe.spec.allowLinkLocal);
  if (!vetting.ok) return failed(probe, 'address_refused', vetting.reason);
  probe.addresses = vetting.addresses;
  const extraCa = probe.spec.caFile === undefined ? undefined : await readCaBundle(probe.spec.caFile, probe.options.caFileDirs ?? DEFAULT_CA_FILE_DIRS);
  const connect = probe.options.connect ?? connectPinned;
  const request = { url: probe.url, method: probe.spec.method, addresses: vetting.addresses, tlsVerify: probe.spec.tlsVerify, extraCa };
  const opened = await untilAborted(() => connect(request, probe.signal), probe.signal);
  probe.status = opened.status;
  probe.answeredBy = opened.remoteAddress;
  const body = await readBoundedBody(opened.body, probe.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, probe.signal);
  const answer: HttpAnswer = { status: opened.status, latencyMs: elapsed(probe), body: body.bytes, truncated: body.truncated };
  const verdict = judgeAnswer(probe.expectations, answer);
  const evidence = answerEvidence(probe, answer, opened.headers);
  const reason = oneLine(verdict.reason, MAX_REASON_CHARS);
  if (verdict.ok) return { ok: true, failure: null, status: answer.status, latencyMs: answer.latencyMs, reason, evidence };
  return { ok: false, failure: verdict.failure, status: answer.status, latencyMs: answer.latencyMs, reason, evidence };
}

/** An IP literal is its own (only) address: nothing to resolve, still vetted. */
async function resolveHost(host: string, resolve: HostResolver): Promise<ResolvedAddress[]> {
  const family = host.includes(':') ? 6 : /^[\d.]+$/.test(host) ? 4 : null;
  return family === null ? resolve(host) : [{ address: host, family }];
}

function failedOnError(probe: Probe, error: unknown): HttpProbeResult {
  // Whatever a step rejected with once the deadline passed (the client's own abort error, a reset), it is the timeout.
  if (probe.signal.reason instanceof ProbeDeadline) {
    const reason = probe.status === null ? probe.signal.reason.message : `HTTP ${probe.status} but the body did not end within ${probe.spec.timeoutMs} ms`;
    return failed(probe, 'timeout', reason);
  }
  if (error instanceof CaFileRefused) return failed(probe, 'ca_file', error.message);
  if (error instanceof TypeError || error instanceof RangeError) throw error;
  const { failure, reason } = classifyRequestError(error, bareHostname(probe.url), addressWithPort(probe));
  return failed(probe, failure, reason);
}

function failed(probe: Probe, failure: ProbeFailure, reason: string): HttpProbeResult {
  const line = oneLine(reason, MAX_REASON_CHARS);
  return { ok: false, failure, status: probe.status, latencyMs: elapsed(probe), reason: line, evidence: probeEvidence(probe, line) };
}

function elapsed(probe: Probe): number {
  return Math.max(0, Math.round(probe.now() - probe.started));
}

/**
 * Starts the step unless the signal already aborted, then settles with it or rejects with the signal's reason as
 * soon as it aborts (DNS lookups cannot be cancelled).
 */
function untilAborted<T>(start: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    start().then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error as Error)),
    );
  });
}
