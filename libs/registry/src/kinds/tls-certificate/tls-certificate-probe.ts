import type { TlsEndpointConfig } from '@jarvis/config';
import { targetOf, type TargetRef } from '@jarvis/contracts';
import type { ProbeFinding, ScheduledProbe } from '../../scheduled-probe.js';
import { judgeCertificate, TLS_CERTIFICATE_CHECK } from './certificate-judgement.js';
import type { TlsPort } from './tls-port.js';

/** The scheduler's own deadline sits above the handshake's, so a silent server reads as unreachable, not a probe error. */
const SCHEDULER_MARGIN_MS = 1000;

/** The certificate one configured TLS endpoint presents for its host (`infrastructure_diagnose_ssl`). */
export class TlsCertificateProbe implements ScheduledProbe {
  readonly target: TargetRef;
  readonly check = TLS_CERTIFICATE_CHECK;
  readonly intervalMs: number;
  readonly timeoutMs: number;

  constructor(
    private readonly endpoint: TlsEndpointConfig,
    private readonly port: TlsPort,
  ) {
    this.target = targetOf('tls_certificate', endpoint.name);
    this.intervalMs = endpoint.intervalSeconds * 1000;
    this.timeoutMs = endpoint.timeoutMs + SCHEDULER_MARGIN_MS;
  }

  async run(signal: AbortSignal): Promise<ProbeFinding> {
    const { host, address, port, caFile, timeoutMs } = this.endpoint;
    const reading = await this.port.handshake({ servername: host, address, port, caFile, timeoutMs }, signal);
    const { status, reason } = judgeCertificate(reading, this.endpoint);
    return { status, reason };
  }
}
