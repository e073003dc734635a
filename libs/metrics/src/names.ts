/**
 * Every metric Jarvis exports, in one place: dashboards, alert rules and tests rely on these names. Names follow the
 * Prometheus conventions (`jarvis_` prefix, base unit in the name, `_total` on counters) and are the exact series
 * names a scrape shows.
 */
export const METRIC = {
  detections: 'jarvis_detections_total',
  incidentsOpened: 'jarvis_incidents_opened_total',
  incidentsResolved: 'jarvis_incidents_resolved_total',
  incidentsEscalated: 'jarvis_incidents_escalated_total',
  decisions: 'jarvis_decisions_total',
  actions: 'jarvis_actions_total',
  actionDuration: 'jarvis_action_duration_seconds',
  verifications: 'jarvis_verifications_total',
  approvals: 'jarvis_approvals_total',
  maintenanceRuns: 'jarvis_maintenance_runs_total',
  mttd: 'jarvis_mttd_seconds',
  mttr: 'jarvis_mttr_seconds',
  incidentsOpen: 'jarvis_incidents_open',
  breakerOpen: 'jarvis_breaker_open',
  consumerPending: 'jarvis_consumer_pending_messages',
  consumerAckPending: 'jarvis_consumer_ack_pending_messages',
  appendFailures: 'jarvis_event_append_failures_total',
  eventStoreUp: 'jarvis_event_store_up',
  rejectedMessages: 'jarvis_rejected_messages_total',
  reliabilityIncidents: 'jarvis_reliability_incidents',
  autonomousFixRatio: 'jarvis_reliability_autonomous_fix_ratio',
  actionsExecuted: 'jarvis_reliability_actions_executed',
  actionOutcomes: 'jarvis_reliability_action_outcomes',
  actionSuccessRatio: 'jarvis_reliability_action_success_ratio',
  timeSaved: 'jarvis_reliability_time_saved_seconds',
  mttdQuantile: 'jarvis_reliability_mttd_seconds',
  mttdByCheck: 'jarvis_reliability_mttd_by_check_seconds',
  mttrQuantile: 'jarvis_reliability_mttr_seconds',
  mttrByCheck: 'jarvis_reliability_mttr_by_check_seconds',
  mttrByAction: 'jarvis_reliability_mttr_by_action_seconds',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Histograms export these three series per name; a PromQL expression may use any of them. */
export const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

export const HISTOGRAMS: readonly MetricName[] = [METRIC.actionDuration, METRIC.mttd, METRIC.mttr];

/** Label names. Every value is bounded: a closed set, a configured name, or a target (bounded by the config). */
export const LABEL = {
  check: 'check',
  kind: 'kind',
  status: 'status',
  target: 'target',
  outcome: 'outcome',
  rule: 'rule',
  action: 'action',
  result: 'result',
  resolution: 'resolution',
  durable: 'durable',
  eventType: 'event_type',
  reason: 'reason',
  state: 'state',
  window: 'window',
  quantile: 'quantile',
} as const;

/** Seconds: a crash healed in under a second up to a disk filling over an hour. */
export const DURATION_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** The label value when an incident resolved without any action (it recovered on its own, or was withdrawn). */
export const NO_ACTION = 'none';
