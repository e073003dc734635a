import type { DdclientConfig } from '@jarvis/config';
import { targetOf, type TargetRef } from '@jarvis/contracts';
import type { ProbeFinding, ScheduledProbe } from '../../scheduled-probe.js';
import type { DdclientPort } from './ddclient-port.js';
import { DDCLIENT_UPDATE_CHECK, judgeDdclient } from './ddclient-update-check.js';

/** Parses and validates ddclient.conf and reads the latest update status per host from its log (`infrastructure_validate_ddclient`). */
export class DdclientUpdateProbe implements ScheduledProbe {
  readonly target: TargetRef;
  readonly check = DDCLIENT_UPDATE_CHECK;
  readonly intervalMs: number;
  /** A pass means ddclient published with ddclient.conf as it is: the known-good copy for a credential restore. */
  readonly confirmsPasses = true;

  constructor(
    private readonly ddclient: DdclientConfig,
    private readonly port: DdclientPort,
    readonly timeoutMs: number,
  ) {
    this.target = targetOf('ddclient', ddclient.name);
    this.intervalMs = ddclient.intervalSeconds * 1000;
  }

  async run(signal: AbortSignal): Promise<ProbeFinding> {
    return judgeDdclient(await this.port.inspect(this.ddclient, signal));
  }
}
