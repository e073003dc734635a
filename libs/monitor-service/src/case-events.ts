import { createEvent, derivedId, newId, targetKey, type ActionParams, type JarvisEventOf, type MaintenanceOutcome, type Resolution, type TargetRef } from '@jarvis/contracts';
import type { CheckResult } from '@jarvis/registry';

type Detection = JarvisEventOf<'DetectionRecorded'>;

/** The escalation rule of a root fixed and verified whose consequences did not pass again within the grace. */
export const CONSEQUENCE_UNRECOVERED = 'consequence_unrecovered';

/** Every event the monitor writes about a case, built in one place so their envelopes cannot drift apart. */
export const caseEvents = {
  detection(target: TargetRef, result: CheckResult, correlationId: string, now: Date, id: string = newId()): Detection {
    return createEvent({
      id,
      type: 'DetectionRecorded',
      source: 'monitor',
      time: now.toISOString(),
      subject: targetKey(target),
      correlationId,
      causationId: null,
      data: { target, check: result.check, status: result.status, reason: result.reason, faultAt: result.faultAt },
    });
  },

  incidentOpened(detection: Detection, now: Date): JarvisEventOf<'IncidentOpened'> {
    const { target, check, reason, faultAt } = detection.data;
    return createEvent({
      id: derivedId('IncidentOpened', detection.id),
      type: 'IncidentOpened',
      source: 'monitor',
      time: now.toISOString(),
      subject: detection.subject,
      correlationId: detection.correlationId,
      causationId: detection.id,
      data: { target, check, detectionId: detection.id, faultAt, summary: `${detection.subject}: ${reason}` },
    });
  },

  resolved(target: TargetRef, incidentId: string, resolution: Resolution, reason: string, now: Date, id: string, causationId: string | null = null): JarvisEventOf<'IncidentResolved'> {
    return createEvent({
      id,
      type: 'IncidentResolved',
      source: 'monitor',
      time: now.toISOString(),
      subject: targetKey(target),
      correlationId: incidentId,
      causationId,
      data: { target, resolution, reason },
    });
  },

  merged(target: TargetRef, incidentId: string, rootId: string, chain: readonly string[], now: Date): JarvisEventOf<'IncidentResolved'> {
    const reason = `a consequence of ${chain.at(-1)}'s failure (${chain.join(' → ')}): merged into its incident`;
    return createEvent({
      id: derivedId('IncidentResolved', incidentId, 'merged'),
      type: 'IncidentResolved',
      source: 'monitor',
      time: now.toISOString(),
      subject: targetKey(target),
      correlationId: incidentId,
      causationId: null,
      data: { target, resolution: 'merged', reason, mergedInto: rootId },
    });
  },

  consequenceLinked(rootId: string, link: { target: TargetRef; check: string; reason: string; faultAt: string; chain: readonly string[]; mergedIncidentId?: string }, now: Date): JarvisEventOf<'ConsequenceLinked'> {
    const { target, mergedIncidentId, ...rest } = link;
    return createEvent({
      id: newId(),
      type: 'ConsequenceLinked',
      source: 'monitor',
      time: now.toISOString(),
      subject: targetKey(target),
      correlationId: rootId,
      causationId: null,
      data: { target, ...rest, reason: rest.reason.slice(0, 1024), chain: [...rest.chain], ...(mergedIncidentId ? { mergedIncidentId } : {}) },
    });
  },

  consequenceRecovered(rootId: string, target: TargetRef, result: CheckResult, now: Date): JarvisEventOf<'ConsequenceRecovered'> {
    return createEvent({
      id: newId(),
      type: 'ConsequenceRecovered',
      source: 'monitor',
      time: now.toISOString(),
      subject: targetKey(target),
      correlationId: rootId,
      causationId: null,
      data: { target, check: result.check, reason: result.reason },
    });
  },

  consequencesOverdue(root: TargetRef, rootId: string, verifiedAt: string, reason: string, attempts: number, now: Date): JarvisEventOf<'IncidentEscalated'> {
    return createEvent({
      id: derivedId('IncidentEscalated', CONSEQUENCE_UNRECOVERED, rootId, verifiedAt),
      type: 'IncidentEscalated',
      source: 'monitor',
      time: now.toISOString(),
      subject: targetKey(root),
      correlationId: rootId,
      causationId: null,
      data: { target: root, rule: CONSEQUENCE_UNRECOVERED, reason: reason.slice(0, 1024), attempts },
    });
  },

  maintenanceStarted(run: { schedule: string; target: TargetRef; action: string; params: ActionParams; slotAt: Date; runKey: string }, now: Date): JarvisEventOf<'MaintenanceStarted'> {
    return createEvent({
      id: derivedId('MaintenanceStarted', run.runKey),
      type: 'MaintenanceStarted',
      source: 'monitor',
      time: now.toISOString(),
      subject: targetKey(run.target),
      correlationId: derivedId('maintenance', run.runKey),
      causationId: null,
      data: { target: run.target, schedule: run.schedule, action: run.action, params: { ...run.params }, slotAt: run.slotAt.toISOString() },
    });
  },

  maintenanceFinished(run: JarvisEventOf<'MaintenanceStarted'>, outcome: MaintenanceOutcome, reason: string, causationId: string, now: Date): JarvisEventOf<'MaintenanceFinished'> {
    return createEvent({
      id: derivedId('MaintenanceFinished', run.correlationId),
      type: 'MaintenanceFinished',
      source: 'monitor',
      time: now.toISOString(),
      subject: run.subject,
      correlationId: run.correlationId,
      causationId,
      data: { target: run.data.target, schedule: run.data.schedule, outcome, reason: reason.slice(0, 1024) },
    });
  },

  verification(
    action: JarvisEventOf<'ActionSucceeded'>,
    verdict: { kind: 'passed'; evidence: string } | { kind: 'failed'; reason: string },
    now: Date,
  ): JarvisEventOf<'VerificationPassed' | 'VerificationFailed'> {
    const envelope = {
      source: 'monitor' as const,
      time: now.toISOString(),
      subject: action.subject,
      correlationId: action.correlationId,
      causationId: action.id,
    };
    const base = { target: action.data.target, decisionId: action.data.decisionId };
    return verdict.kind === 'passed'
      ? createEvent({ ...envelope, id: derivedId('VerificationPassed', action.data.decisionId), type: 'VerificationPassed', data: { ...base, evidence: verdict.evidence } })
      : createEvent({ ...envelope, id: derivedId('VerificationFailed', action.data.decisionId), type: 'VerificationFailed', data: { ...base, reason: verdict.reason } });
  },
};
