import type { IncidentRecord } from './incident-projection.js';

export type IncidentMetrics = {
  incidents: number;
  open: number;
  escalated: number;
  resolved: number;
  mttdMsP50: number | null;
  mttrMsP50: number | null;
};

export function incidentMetrics(records: IncidentRecord[]): IncidentMetrics {
  const resolved = records.filter((r) => r.status === 'resolved');
  return {
    incidents: records.length,
    open: records.filter((r) => r.status === 'open').length,
    escalated: records.filter((r) => r.status === 'escalated').length,
    resolved: resolved.length,
    mttdMsP50: percentile(records.map((r) => r.mttdMs), 50),
    mttrMsP50: percentile(resolved.map((r) => r.mttrMs ?? 0), 50),
  };
}

/** Nearest-rank percentile; null for no samples. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
