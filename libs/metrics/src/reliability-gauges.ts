import type { Attributes } from '@opentelemetry/api';
import type { PercentilesView, ReliabilityReply } from '@jarvis/contracts';
import { LABEL, METRIC } from './names.js';

/** The gauges the reliability figures become: the audit service's projection, read at each scrape. */
export const RELIABILITY_GAUGES = {
  [METRIC.reliabilityIncidents]: 'Incidents in the whole log, by state: detected, open, remediated, remediated_alone (no person stepped in), recovered, withdrawn, escalated.',
  [METRIC.autonomousFixRatio]: 'Incidents remediated with no person step / incidents that needed a fix (remediated + escalated); absent before any.',
  [METRIC.actionsExecuted]: 'Actions that ended (succeeded or failed) in the last 24h, 7d and 30d of event time, by window.',
  [METRIC.actionOutcomes]: 'Actions that ended in the whole log, by action type and result (succeeded, failed).',
  [METRIC.actionSuccessRatio]: 'Succeeded / ended actions, by action type.',
  [METRIC.timeSaved]: "A person's time the successful actions stand for, in seconds, by action type (reliability.timeSaved estimates).",
  [METRIC.mttdQuantile]: 'Time from a fault to its incident being opened, in seconds, p50 and p95 over the latest samples of every check.',
  [METRIC.mttdByCheck]: 'Time from a fault to its incident being opened, in seconds, p50 and p95 by check.',
  [METRIC.mttrQuantile]: 'Time from a fault to its remediation, in seconds, p50 and p95 over the latest samples of every check.',
  [METRIC.mttrByCheck]: 'Time from a fault to its remediation, in seconds, p50 and p95 by check.',
  [METRIC.mttrByAction]: 'Time from a fault to its remediation, in seconds, p50 and p95 by action type taken in the case.',
} as const;

export type ReliabilityGauge = keyof typeof RELIABILITY_GAUGES;

export type GaugeReading = { gauge: ReliabilityGauge; value: number; labels: Attributes };

const QUANTILES = [
  ['0.5', 'p50Ms'],
  ['0.95', 'p95Ms'],
] as const;

/**
 * One reading per series. Figures that do not exist yet (a rate with nothing to divide, a percentile without
 * samples) are left out rather than exported as 0, which would read as "never fixed" or "instant".
 */
export function reliabilityReadings(report: ReliabilityReply): GaugeReading[] {
  const { incidents } = report;
  const states: Record<string, number> = {
    detected: incidents.detected,
    open: incidents.open,
    remediated: incidents.remediated,
    remediated_alone: incidents.remediatedWithoutPerson,
    recovered: incidents.recovered,
    withdrawn: incidents.withdrawn,
    escalated: incidents.escalated,
  };
  const windows: Record<string, number> = { '24h': report.actionsExecuted.last24h, '7d': report.actionsExecuted.last7d, '30d': report.actionsExecuted.last30d };
  return [
    ...Object.entries(states).map(([state, value]) => reading(METRIC.reliabilityIncidents, value, { [LABEL.state]: state })),
    ...(report.autonomousFixRate === null ? [] : [reading(METRIC.autonomousFixRatio, report.autonomousFixRate, {})]),
    ...Object.entries(windows).map(([window, value]) => reading(METRIC.actionsExecuted, value, { [LABEL.window]: window })),
    ...Object.entries(report.actionTypes).flatMap(([action, view]) => [
      reading(METRIC.actionOutcomes, view.succeeded, { [LABEL.action]: action, [LABEL.result]: 'succeeded' }),
      reading(METRIC.actionOutcomes, view.failed, { [LABEL.action]: action, [LABEL.result]: 'failed' }),
      ...(view.successRate === null ? [] : [reading(METRIC.actionSuccessRatio, view.successRate, { [LABEL.action]: action })]),
      reading(METRIC.timeSaved, view.minutesSaved * 60, { [LABEL.action]: action }),
    ]),
    ...quantiles(METRIC.mttdQuantile, report.mttd.all, {}),
    ...Object.entries(report.mttd.byCheck).flatMap(([check, view]) => quantiles(METRIC.mttdByCheck, view, { [LABEL.check]: check })),
    ...quantiles(METRIC.mttrQuantile, report.mttr.all, {}),
    ...Object.entries(report.mttr.byCheck).flatMap(([check, view]) => quantiles(METRIC.mttrByCheck, view, { [LABEL.check]: check })),
    ...Object.entries(report.mttr.byActionType).flatMap(([action, view]) => quantiles(METRIC.mttrByAction, view, { [LABEL.action]: action })),
  ];
}

function reading(gauge: ReliabilityGauge, value: number, labels: Attributes): GaugeReading {
  return { gauge, value, labels };
}

function quantiles(gauge: ReliabilityGauge, view: PercentilesView, labels: Attributes): GaugeReading[] {
  return QUANTILES.flatMap(([quantile, key]) => {
    const ms = view[key];
    return ms === null ? [] : [reading(gauge, ms / 1000, { ...labels, [LABEL.quantile]: quantile })];
  });
}
