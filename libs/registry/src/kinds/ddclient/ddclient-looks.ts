import type { DdclientConfig } from '@jarvis/config';
import type { TargetRef } from '@jarvis/contracts';
import type { Reobservation, VerificationVerdict } from '../../remediation-action.js';
import type { DdclientPort } from './ddclient-port.js';
import { judgeDdclient } from './ddclient-update-check.js';

/** What every ddclient action sees when it looks again: `ddclient` is undefined when the target is not the configured one. */
export async function reobserveDdclient(target: TargetRef, ddclient: DdclientConfig | undefined, port: DdclientPort, timeoutMs: number): Promise<Reobservation> {
  if (!ddclient) return { kind: 'not_watched', reason: `${target.id} is not the ddclient in jarvis.yaml` };
  const finding = judgeDdclient(await port.inspect(ddclient, AbortSignal.timeout(timeoutMs)));
  if (finding.status === 'failed') return { kind: 'fault_holds' };
  return { kind: 'superseded', evidence: `ddclient_update ok when the executor looked again: ${finding.reason}` };
}

/** The check again: a ddclient action is verified by every host reading as updated. */
export async function verifyDdclient(target: TargetRef, ddclient: DdclientConfig | undefined, port: DdclientPort, timeoutMs: number): Promise<VerificationVerdict> {
  if (!ddclient) return { kind: 'failed', reason: `${target.id} is not the ddclient in jarvis.yaml` };
  const finding = judgeDdclient(await port.inspect(ddclient, AbortSignal.timeout(timeoutMs)));
  return finding.status === 'ok' ? { kind: 'passed', evidence: `ddclient_update ok: ${finding.reason}` } : { kind: 'failed', reason: `ddclient_update still failing: ${finding.reason}` };
}
