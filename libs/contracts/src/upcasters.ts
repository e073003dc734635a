import type { EventType } from './catalog.js';

type PlainData = Record<string, unknown>;
type Upcaster = (data: PlainData) => PlainData;

/** Version 1 named a target `name`; every kind now has an `id` whose form its kind decides. */
function targetIdFromName(data: PlainData): PlainData {
  const target = data['target'];
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return data;
  const { name, ...rest } = target as PlainData;
  return { ...data, target: name === undefined ? rest : { ...rest, id: name } };
}

const withFields = (fields: PlainData): Upcaster => (data) => ({ ...targetIdFromName(data), ...fields });

/** Every version-1 event was about a container, the only kind then, and its state check, the only check then; approval events began at version 1. */
const V1_TO_V2: Partial<Record<EventType, Upcaster>> = {
  DetectionRecorded: targetIdFromName,
  IncidentOpened: withFields({ check: 'container_state' }),
  RemediationDecided: withFields({ params: {}, risk: 'low' }),
  ActionStarted: withFields({ params: {} }),
  ActionSucceeded: withFields({ details: {} }),
  ActionFailed: targetIdFromName,
  ActionRefused: targetIdFromName,
  DecisionSuperseded: targetIdFromName,
  VerificationPassed: targetIdFromName,
  VerificationFailed: targetIdFromName,
  IncidentResolved: targetIdFromName,
  IncidentEscalated: targetIdFromName,
};

/**
 * Steps from each stored version to the next, per type: `UPCASTERS[n - 1]` reads version n into version n + 1. The
 * store is append-only, so old events stay as written and are read through these forever.
 */
const UPCASTERS: ReadonlyArray<Partial<Record<EventType, Upcaster>>> = [V1_TO_V2];

/** The payload of a stored `version` of `type`, read as `target` version. */
export function upcast(type: EventType, version: number, target: number, data: unknown): unknown {
  let current = data;
  for (let v = version; v < target; v += 1) {
    const step = UPCASTERS[v - 1]?.[type];
    if (step && typeof current === 'object' && current !== null && !Array.isArray(current)) current = step(current as PlainData);
  }
  return current;
}
