import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncidentMetricsView, IncidentSummaryView } from '@jarvis/contracts';
import { incidentListReply } from './incident-list-reply.js';

const METRICS: IncidentMetricsView = { incidents: 3, open: 0, escalated: 0, resolved: 3, mttdMsP50: 10, mttrMsP50: 900 };

function summary(n: number, reasonBytes: number): IncidentSummaryView {
  const at = new Date(Date.UTC(2026, 10, 29, 5, 0, n)).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    target: 'disk:/srv',
    status: 'resolved',
    summary: 'disk_usage failed',
    faultAt: at,
    detectedAt: at,
    openedAt: at,
    resolvedAt: at,
    resolution: 'remediated',
    decisions: 1,
    actions: 1,
    pendingDecisionId: null,
    lastDetectionAt: at,
    lastCondition: { check: 'disk_usage', status: 'failed', reason: 'x'.repeat(reasonBytes), faultAt: at },
    awaitsDecision: false,
    mttdMs: 10,
    mttrMs: 900,
    timelineOmitted: 0,
    consequences: [],
    verifiedAt: null,
    mergedInto: null,
  };
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('incidentListReply', () => {
  it('gives every incident asked for when they fit, with nothing said about omissions', () => {
    const incidents = [summary(3, 100), summary(2, 100), summary(1, 100)];
    assert.deepEqual(incidentListReply(incidents, METRICS, 1024 * 1024), { incidents, metrics: METRICS });
  });

  it('leaves out the oldest that do not fit in one message, counts them, and stays within the message', () => {
    const newestFirst = Array.from({ length: 1000 }, (_, i) => summary(1000 - i, 2000));
    const maxPayload = 1024 * 1024;
    const reply = incidentListReply(newestFirst, METRICS, maxPayload);
    assert.ok(reply.incidents.length > 300 && reply.incidents.length < 1000, `${reply.incidents.length} kept`);
    assert.deepEqual(reply.incidents, newestFirst.slice(0, reply.incidents.length), 'the newest, in order');
    assert.equal(reply.omitted, 1000 - reply.incidents.length);
    assert.ok(bytesOf(reply) <= maxPayload - 4096, `${bytesOf(reply)} bytes`);
    const oneMore = { ...reply, incidents: newestFirst.slice(0, reply.incidents.length + 1) };
    assert.ok(bytesOf(oneMore) > maxPayload - 4096, 'as many as fit');
  });
});
