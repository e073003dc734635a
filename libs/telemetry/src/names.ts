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
  target: 'jarvis.target',
  check: 'jarvis.check',
  action: 'jarvis.action',
  decisionOutcome: 'jarvis.decision.outcome',
  decisionRule: 'jarvis.decision.rule',
} as const;
