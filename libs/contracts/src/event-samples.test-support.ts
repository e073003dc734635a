import type { EventType } from './catalog.js';

/** Valid payloads as they arrive over the wire (plain JSON), one per event type; the compiler checks that none is missing. */
const UUID_A = '0b6f1a52-3c1e-4c7a-9f0e-1d2c3b4a5e6f';
const UUID_B = '7d9e8f10-2a3b-4c5d-8e6f-7a8b9c0d1e2f';
const TIME = '2025-03-01T12:00:00.000Z';
const DIGEST = 'a'.repeat(64);
const container = { kind: 'container', id: 'web' };
const disk = { kind: 'disk', id: '/srv/data' };
const endpoint = { kind: 'http_endpoint', id: 'home-api' };
const record = { kind: 'dns_record', id: 'www.example.org' };
const caddy = { kind: 'caddy', id: 'edge' };
const params = { keep: 3, path: '/var/log', nested: { list: [1, 'two', null, true] } };

export const PAYLOAD_SAMPLES: Record<EventType, Record<string, unknown>> = {
  DetectionRecorded: { target: container, check: 'container_state', status: 'failed', reason: 'exited with code 137', faultAt: TIME },
  IncidentOpened: { target: disk, check: 'disk_usage', detectionId: UUID_A, faultAt: TIME, summary: 'disk 91% full' },
  RemediationDecided: {
    target: container,
    action: 'restart_container',
    params,
    risk: 'medium',
    outcome: 'needs_approval',
    rule: 'auto_restart',
    reason: 'watched',
    attempt: 2,
    notBefore: TIME,
    approvalId: UUID_B,
    consequenceCheck: 'http_status',
  },
  ActionStarted: { target: container, decisionId: UUID_A, action: 'restart_container', attempt: 1, params: {} },
  ActionSucceeded: { target: disk, decisionId: UUID_A, action: 'prune_logs', result: 'freed', details: { bytesFreed: 1024, ok: true, note: 'ünïcödé 😀' }, durationMs: 0 },
  ActionFailed: { target: container, decisionId: UUID_A, action: 'restart_container', error: 'timeout', durationMs: 5000 },
  ActionRefused: { target: container, decisionId: UUID_A, action: 'restart_container', refusal: 'decision_stale', reason: 'old' },
  DecisionSuperseded: { target: endpoint, decisionId: UUID_A, action: 'restart_container', evidence: 'running again' },
  VerificationPassed: { target: endpoint, decisionId: UUID_A, evidence: 'HTTP 200' },
  VerificationFailed: { target: record, decisionId: UUID_A, reason: 'NXDOMAIN' },
  IncidentResolved: { target: container, resolution: 'merged', reason: 'root found', mergedInto: UUID_B },
  IncidentEscalated: { target: container, rule: 'circuit_breaker', reason: 'too many restarts', attempts: 5, retryAfter: TIME },
  ApprovalRequested: {
    target: caddy,
    action: 'edit_config',
    params: { edit: 'replace' },
    risk: 'high',
    decisionId: UUID_A,
    digest: DIGEST,
    expiresAt: TIME,
    reason: 'needs a person',
    diff: '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n',
  },
  ApprovalGranted: { target: caddy, requestId: UUID_A, digest: DIGEST, by: 'alice' },
  ApprovalRejected: { target: caddy, requestId: UUID_A, by: 'bob', reason: 'no' },
  ApprovalExpired: { target: caddy, requestId: UUID_A },
  ApprovalRefused: { target: caddy, requestId: UUID_A, refusal: 'digest_mismatch', reason: 'changed' },
  MaintenanceStarted: { target: disk, schedule: 'nightly', action: 'prune_images', params: { olderThanHours: 24 }, slotAt: TIME },
  MaintenanceFinished: { target: disk, schedule: 'nightly', outcome: 'skipped', reason: 'nothing to do' },
  ConfigEditProposed: { target: caddy, actionId: UUID_A, path: '/etc/caddy/Caddyfile', format: 'caddyfile', diff: '-a\n+b\n', needsApproval: false, approvalId: UUID_B },
  ConfigValidated: { target: caddy, actionId: UUID_A, path: '/etc/caddy/Caddyfile', validator: 'caddy validate', evidence: 'valid' },
  ConfigBackedUp: { target: caddy, actionId: UUID_A, path: '/etc/caddy/Caddyfile', backupPath: '/var/lib/jarvis/backup/1', afterDigest: DIGEST },
  ConfigApplied: { target: caddy, actionId: UUID_A, path: '/etc/caddy/Caddyfile', backupPath: '/var/lib/jarvis/backup/1', health: 'HTTP 200' },
  ConfigRolledBack: { target: caddy, actionId: UUID_A, path: '/etc/caddy/Caddyfile', backupPath: '/var/lib/jarvis/backup/1', reason: 'health failed' },
  ConfigEditFailed: { target: caddy, actionId: UUID_A, path: '/etc/caddy/Caddyfile', stage: 'validation', reason: 'caddy validate failed' },
  ConsequenceLinked: { target: endpoint, check: 'http_status', reason: 'depends on web', faultAt: TIME, chain: ['http_endpoint:home-api', 'container:web'], mergedIncidentId: UUID_B },
  ConsequenceRecovered: { target: endpoint, check: 'http_status', reason: 'HTTP 200 again' },
  CheckConfirmed: { target: { kind: 'ddclient', id: 'ddclient' }, check: 'ddclient_published', reason: 'published' },
  ConfigKnownGoodRecorded: { target: caddy, path: '/etc/caddy/Caddyfile', knownGood: 'Caddyfile.2025-03-01.good', maskedDigest: DIGEST, confirmationId: UUID_A },
};

/** A valid envelope without its data. */
export const ENVELOPE_SAMPLE: Record<string, unknown> = {
  id: UUID_A,
  type: 'DetectionRecorded',
  version: 2,
  source: 'monitor',
  time: TIME,
  subject: 'container:web',
  correlationId: UUID_B,
  causationId: null,
};
