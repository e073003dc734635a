import type { ServiceName } from './services.js';

/**
 * Request/reply subjects. They live outside `jarvis.events.>` so the event stream never stores them, but under
 * `jarvis.>` so `nats sub 'jarvis.>'` shows them too.
 */
export const RPC = {
  health: (service: ServiceName) => `jarvis.rpc.${service}.health`,
  auditIncidents: 'jarvis.rpc.audit.incidents',
  auditIncident: 'jarvis.rpc.audit.incident',
  monitorTargets: 'jarvis.rpc.monitor.targets',
  monitorDiagnose: 'jarvis.rpc.monitor.diagnose',
} as const;

export type HealthReply = {
  service: ServiceName;
  status: 'up' | 'degraded';
  startedAt: string;
  details: Record<string, string | number | boolean>;
};

export type CheckResultView = {
  check: string;
  target: string;
  status: 'ok' | 'failed' | 'stopped';
  reason: string;
  observedAt: string;
};

export type DiagnoseReply = { results: CheckResultView[] };

export type WatchedTargetView = { target: string; state: string; health: string | null; watchedBecause: string };

/** The watched targets, or why the monitor cannot list them (e.g. the Docker engine is unreachable). */
export type TargetsReply = { targets: WatchedTargetView[] } | { error: string };
