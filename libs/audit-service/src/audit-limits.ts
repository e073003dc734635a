import type { JarvisConfig } from '@jarvis/config';
import { DEFAULT_INCIDENT_BOOK_LIMITS, type IncidentBookLimits } from '@jarvis/incidents';

/** The audit's incident book limits: the live service and `jarvis audit replay` must fold with the same ones. */
export function auditLimitsOf({ events }: JarvisConfig): IncidentBookLimits {
  return { closedRetentionMs: events.closedCaseRetentionHours * 3_600_000, maxEarlyDetections: DEFAULT_INCIDENT_BOOK_LIMITS.maxEarlyDetections };
}
