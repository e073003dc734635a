import type { CaddyConfig } from '@jarvis/config';
import { targetOf, type TargetRef } from '@jarvis/contracts';
import type { ProbeFinding, ScheduledProbe } from '../../scheduled-probe.js';

/** One look at a Caddy instance, within the deadline the probe was given. */
export type CaddyLook = (signal: AbortSignal) => Promise<ProbeFinding>;

/** One check of one Caddy instance; the checks differ only in what they look at, so each is a `CaddyLook`. */
export class CaddyProbe implements ScheduledProbe {
  readonly target: TargetRef;
  readonly intervalMs: number;

  constructor(
    instance: CaddyConfig,
    readonly check: string,
    readonly timeoutMs: number,
    private readonly look: CaddyLook,
  ) {
    this.target = targetOf('caddy', instance.name);
    this.intervalMs = instance.intervalSeconds * 1000;
  }

  run(signal: AbortSignal): Promise<ProbeFinding> {
    return this.look(signal);
  }
}
