import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incidentMetrics, percentile } from './incident-metrics.js';
import type { IncidentRecord, IncidentStatus } from './incident-projection.js';

let n = 0;
function record(status: IncidentStatus, mttdMs: number, mttrMs: number | null = null): IncidentRecord {
  const at = '2025-03-01T12:00:00.000Z';
  return {
    id: `incident-${n++}`,
    target: 'container:web',
    check: 'container_state',
    status,
    summary: 's',
    faultAt: at,
    detectedAt: at,
    openedAt: at,
    resolvedAt: status === 'resolved' ? at : null,
    resolution: status === 'resolved' ? 'remediated' : null,
    decisions: 0,
    actions: 0,
    pendingDecisionId: null,
    pendingApprovalId: null,
    lastDetectionAt: at,
    lastCondition: null,
    awaitsDecision: false,
    mttdMs,
    mttrMs,
    consequences: [],
    verifiedAt: null,
    mergedInto: null,
    timeline: [],
    timelineOmitted: 0,
  };
}

describe('percentile (nearest rank)', () => {
  it('is null without samples', () => {
    assert.equal(percentile([], 50), null);
  });

  it('picks the nearest-rank element of the sorted values', () => {
    assert.equal(percentile([7], 50), 7);
    assert.equal(percentile([4, 1, 3, 2], 50), 2);
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90), 90);
    assert.equal(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 91), 100);
  });

  it('gives the minimum for p0 and the maximum for p100', () => {
    assert.equal(percentile([3, 9, 1], 0), 1);
    assert.equal(percentile([3, 9, 1], 100), 9);
  });

  it('sorts numerically, not as strings, and leaves the input alone', () => {
    const values = [100, 9, 20];
    assert.equal(percentile(values, 50), 20);
    assert.deepEqual(values, [100, 9, 20]);
  });
});

describe('incidentMetrics', () => {
  it('is all zeros and nulls for no incidents', () => {
    assert.deepEqual(incidentMetrics([]), { incidents: 0, open: 0, escalated: 0, resolved: 0, mttdMsP50: null, mttrMsP50: null });
  });

  it('counts by status; mttd over all incidents, mttr over resolved ones only', () => {
    const metrics = incidentMetrics([
      record('open', 100),
      record('escalated', 200),
      record('resolved', 300, 5000),
      record('resolved', 400, 1000),
      record('resolved', 500, 9000),
    ]);
    assert.deepEqual(metrics, { incidents: 5, open: 1, escalated: 1, resolved: 3, mttdMsP50: 300, mttrMsP50: 5000 });
  });

  it('has no mttr while nothing is resolved', () => {
    const metrics = incidentMetrics([record('open', 100), record('escalated', 50)]);
    assert.equal(metrics.mttrMsP50, null);
    assert.equal(metrics.mttdMsP50, 50);
  });
});
