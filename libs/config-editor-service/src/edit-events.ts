import { createEvent, derivedId, targetKey, type EventData, type JarvisEventOf, type TargetRef } from '@jarvis/contracts';

type StepType = 'ConfigEditProposed' | 'ConfigValidated' | 'ConfigBackedUp' | 'ConfigApplied' | 'ConfigRolledBack' | 'ConfigEditFailed';

/** Whose step an event records: the action (causation) in its case (correlation), on its target and file. */
export type EditIdentity = { actionId: string; caseId: string; target: TargetRef; path: string };

/** The field limits of the step events: longer text is cut, never refused, so a step is always recordable. */
const MAX_TEXT = 1024;
const MAX_DIFF = 16384;

/** A step event; its id derives from the action, so a repeated step is the same event and stored once. */
export function stepEvent<T extends StepType>(type: T, who: EditIdentity, data: Omit<EventData<T>, 'target' | 'actionId' | 'path'>, now: Date): JarvisEventOf<T> {
  return createEvent({
    id: derivedId(type, who.actionId),
    type,
    source: 'config-editor',
    time: now.toISOString(),
    subject: targetKey(who.target),
    correlationId: who.caseId,
    causationId: who.actionId,
    data: { target: who.target, actionId: who.actionId, path: who.path, ...data } as EventData<T>,
  } as never);
}

export function cut(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 20)}… (${text.length - max + 20} more)`;
}

export function cutDiff(diff: string): string {
  return cut(diff, MAX_DIFF);
}
