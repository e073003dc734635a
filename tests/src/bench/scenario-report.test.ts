import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastSuccessfulOrderMs } from './scenario-floors.js';
import { mttrWithApproval, mttrWithoutApproval, renderScenarioReport, type ScenarioResults, type ScenarioRun } from './scenario-report.js';

const T0 = Date.parse('2026-11-29T08:00:00Z');

function run(index: number, resolvedAfterMs: number, approvalWaitMs: number, extra: Partial<ScenarioRun> = {}): ScenarioRun {
  return { index, faultMs: T0, rootDetectionMs: T0 + 7_000, openedMs: T0 + 7_000, approvalRequestedMs: T0 + 10_000, approvalGrantedMs: T0 + 10_000 + approvalWaitMs, resolvedMs: T0 + resolvedAfterMs, resolution: 'remediated', ...extra };
}

function results(runs: ScenarioRun[]): ScenarioResults {
  return {
    date: '2026-11-29T08:00:00.000Z',
    command: 'npm run bench -- --only scenario',
    durationMs: 1000,
    machine: { nproc: '2', cpuModel: 'cpu', memTotal: '1 GiB', kernel: 'k', node: 'v20', natsServer: 'v2.9', dockerEngine: 'd' },
    config: 'probes: {}',
    intervals: { ddclientSeconds: 10, dnsSeconds: 5, tlsSeconds: 5, caddySeconds: 5 },
    pebbleEnv: { PEBBLE_VA_NOSLEEP: '1' },
    runs,
    floors: [{ index: 1, ddclientToRecordMs: 1_000, caddyRetryToServedMs: 2_000, orderMs: 500 }],
    errorLines: [],
    loadAverage: '1 / 1 / 1',
  };
}

const targetLine = (report: string, target: string) => report.split('\n').find((line) => line.startsWith(`| ${target}`)) ?? '';

describe('the scenario report', () => {
  it('subtracts the approval wait from MTTR, and gives none without a grant', () => {
    assert.equal(mttrWithoutApproval(run(1, 60_000, 4_000)), 56_000);
    assert.equal(mttrWithApproval(run(1, 60_000, 4_000)), 60_000);
    assert.equal(mttrWithoutApproval({ ...run(1, 60_000, 4_000), approvalGrantedMs: undefined }), undefined);
  });

  it('meets the MTTR target on the wait-free figure, and says so when it is missed', () => {
    const fast = renderScenarioReport(results([run(1, 150_000, 40_000)]));
    assert.match(targetLine(fast, 'MTTR p50 < 2 min, approval wait subtracted'), /110\.000 s .*\| yes \|$/);
    assert.match(targetLine(fast, '(for reference)'), /\*\*no\*\* \|$/);
    const slow = renderScenarioReport(results([run(1, 130_000, 1_000)]));
    assert.match(targetLine(slow, 'MTTR p50 < 2 min, approval wait subtracted'), /\*\*no\*\* \|$/);
  });

  it('counts a run that did not resolve instead of timing it, and names it under Anomalies', () => {
    const report = renderScenarioReport(results([run(1, 20_000, 500), { index: 2, faultMs: T0, error: 'no IncidentResolved event within 420000 ms' }]));
    assert.match(targetLine(report, 'Every run remediated'), /1\/2 \| \*\*no\*\* \|$/);
    assert.match(report, /^- run 2: no IncidentResolved event within 420000 ms$/m);
    assert.match(report, /^\| \*\*MTTD\*\*: root DetectionRecorded \(ddclient\) − fault \| 1 \| 7\.000 s/m);
  });

  it('counts the symptoms merged into the root apart from other incidents, which go under Anomalies', () => {
    const symptom = { subject: 'dns_record:www', check: 'dns_resolution', openedMs: T0 + 3_000, beforeRoot: true, escalated: true, resolution: 'merged' };
    const late = { subject: 'tls_certificate:www', check: 'tls_certificate', openedMs: T0 + 15_000, beforeRoot: false, escalated: true, resolution: 'recovered' };
    const report = renderScenarioReport(results([run(1, 20_000, 500, { otherCases: [symptom, late] }), run(2, 20_000, 500)]));
    assert.match(report, /^In 1\/2 runs a symptom, `dns_record:www` \(dns_resolution\), was detected before the root .*; in 1 of them that incident had escalated first/m);
    assert.match(report, /^- run 1: tls_certificate:www \(tls_certificate\) opened an incident of its own 15\.000 s after the fault, after the root's detection; it escalated and ended recovered$/m);
    const unmerged = renderScenarioReport(results([run(1, 20_000, 500, { otherCases: [{ ...symptom, resolution: 'recovered' }] })]));
    assert.match(unmerged, /^- run 1: dns_record:www \(dns_resolution\) opened an incident of its own 3\.000 s after the fault, before the root's detection; it escalated and ended recovered$/m);
    assert.match(unmerged, /^In no run did the root/m);
    assert.doesNotMatch(report, /^- run 1: dns_record/m);
  });

  it('compares MTTR with the sum of the floors', () => {
    const report = renderScenarioReport(results([run(1, 31_000, 1_000)]));
    assert.match(report, /^\| Jarvis MTTR, approval wait subtracted \| 30\.000 s \| 30\.000 s \| 10\.0× \|$/m);
  });
});

describe("Caddy's order time from its log", () => {
  it('times the last order that succeeded, from its own start, skipping lines that are not JSON', () => {
    const log = [
      '{"ts":100.0,"msg":"obtaining certificate"}',
      '{"ts":101.0,"msg":"will retry"}',
      'caddy: plain text line',
      '{"ts":160.25,"msg":"obtaining certificate"}',
      '{"ts":160.75,"msg":"certificate obtained successfully"}',
    ].join('\n');
    assert.equal(lastSuccessfulOrderMs(log), 500);
  });

  it('has none when no order succeeded', () => {
    assert.equal(lastSuccessfulOrderMs('{"ts":100.0,"msg":"obtaining certificate"}\n{"ts":101.0,"msg":"will retry"}'), undefined);
  });
});
