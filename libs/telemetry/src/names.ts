/** Every span and attribute name Jarvis emits, in one place, so dashboards and tests can rely on them. */
export const SPAN = {
  detect: 'jarvis.detect',
  decide: 'jarvis.decide',
  act: 'jarvis.act',
  verify: 'jarvis.verify',
  resolve: 'jarvis.incident.resolve',
} as const;

export const ATTR = {
  incidentId: 'jarvis.incident.id',
  eventId: 'jarvis.event.id',
  eventType: 'jarvis.event.type',
  /** `kind:id`, as in the events' subject; also split in the two below for a search by either. */
  target: 'jarvis.target',
  targetKind: 'jarvis.target.kind',
  targetId: 'jarvis.target.id',
  check: 'jarvis.check',
  action: 'jarvis.action',
  /** succeeded, failed, refused or superseded: how the action ended. */
  actionResult: 'jarvis.action.result',
  decisionOutcome: 'jarvis.decision.outcome',
  decisionRule: 'jarvis.decision.rule',
  /** passed or failed. */
  verificationResult: 'jarvis.verification.result',
  /** remediated, recovered or withdrawn. */
  resolution: 'jarvis.incident.resolution',
} as const;

/**
 * OpenTelemetry semantic conventions for messaging (v1.27+), copied as OpenTelemetry advises rather than imported from
 * the unstable `incubating` entry point.
 */
export const MESSAGING = {
  system: 'messaging.system',
  destinationName: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  messageId: 'messaging.message.id',
} as const;

export const MESSAGING_SYSTEM_NATS = 'nats';

/** `messaging.operation.type` values Jarvis uses: a span that appends an event, and one that handles a delivered one. */
export const MESSAGING_OPERATION = { publish: 'send', process: 'process' } as const;
