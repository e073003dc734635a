import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HysteresisKeyState } from '@jarvis/schedule';
import { onDemandReadingCounts, upstreamProbesToRun, type UpstreamProbe } from './upstream-look.js';

const NOW = 1_000_000;

/** The edge's graph: the record relies on ddclient, the certificate on the record, Caddy's certificates check on it. */
const graph = {
  dependenciesOf(target: string, check?: string): readonly string[] {
    if (target === 'dns_record:www') return ['ddclient:lab'];
    if (target === 'tls_certificate:www') return ['dns_record:www'];
    if (target === 'caddy:lab') return check === undefined || check === 'caddy_certificates' ? ['dns_record:www'] : [];
    return [];
  },
};

const probe = (key: string, over: Partial<UpstreamProbe> = {}): UpstreamProbe => ({ key, failing: false, lastReadAt: null, readingOnDemand: false, ...over });

describe('upstreamProbesToRun: which dependencies to read before a failure opens an incident', () => {
  const cases: Array<{ name: string; target: string; check: string; probes: Record<string, UpstreamProbe[]>; expected: string[] }> = [
    { name: 'a target relying on nothing reads nothing', target: 'ddclient:lab', check: 'ddclient_update', probes: { 'ddclient:lab': [probe('ddclient:lab#ddclient_update')] }, expected: [] },
    { name: 'a dependency never read is read', target: 'dns_record:www', check: 'dns_record', probes: { 'ddclient:lab': [probe('ddclient:lab#ddclient_update')] }, expected: ['ddclient:lab#ddclient_update'] },
    {
      name: 'a dependency last read a moment before the failure was read is read again: its cause may have come since',
      target: 'dns_record:www',
      check: 'dns_record',
      probes: { 'ddclient:lab': [probe('ddclient:lab#ddclient_update', { lastReadAt: NOW - 1 })] },
      expected: ['ddclient:lab#ddclient_update'],
    },
    {
      name: 'a dependency read since the failure was read is not read again',
      target: 'dns_record:www',
      check: 'dns_record',
      probes: { 'ddclient:lab': [probe('ddclient:lab#ddclient_update', { lastReadAt: NOW })] },
      expected: [],
    },
    {
      name: 'a dependency already failing is not read: correlation finds its incident',
      target: 'dns_record:www',
      check: 'dns_record',
      probes: { 'ddclient:lab': [probe('ddclient:lab#ddclient_update', { failing: true })] },
      expected: [],
    },
    {
      name: 'a dependency being read on demand is waited for, however recent its last reading',
      target: 'dns_record:www',
      check: 'dns_record',
      probes: { 'ddclient:lab': [probe('ddclient:lab#ddclient_update', { lastReadAt: NOW, readingOnDemand: true })] },
      expected: ['ddclient:lab#ddclient_update'],
    },
    {
      name: 'every probe of the dependency is read, only the direct dependency (deeper ones when it fails)',
      target: 'tls_certificate:www',
      check: 'tls_certificate',
      probes: { 'dns_record:www': [probe('dns_record:www#dns_record'), probe('dns_record:www#dns_other')], 'ddclient:lab': [probe('ddclient:lab#ddclient_update')] },
      expected: ['dns_record:www#dns_record', 'dns_record:www#dns_other'],
    },
    {
      name: "a check that relies on nothing (Caddy's admin API) reads nothing",
      target: 'caddy:lab',
      check: 'caddy_admin',
      probes: { 'dns_record:www': [probe('dns_record:www#dns_record')] },
      expected: [],
    },
    {
      name: 'the check that relies on the dependency (Caddy\'s certificates) reads it',
      target: 'caddy:lab',
      check: 'caddy_certificates',
      probes: { 'dns_record:www': [probe('dns_record:www#dns_record')] },
      expected: ['dns_record:www#dns_record'],
    },
    { name: 'a dependency with no scheduled probe (a container) reads nothing', target: 'dns_record:www', check: 'dns_record', probes: {}, expected: [] },
  ];
  for (const { name, target, check, probes, expected } of cases) {
    it(name, () => {
      assert.deepEqual(upstreamProbesToRun({ target, check, graph, probesOf: (t) => probes[t] ?? [], failureReadAt: NOW }), expected);
    });
  }
});

describe('onDemandReadingCounts: an on-demand reading never reports a failure sooner than the schedule could', () => {
  const INTERVAL = 300_000;
  const passing = (streak: number): HysteresisKeyState => ({ status: 'passing', streak });
  const cases: Array<{ name: string; passed: boolean; state: HysteresisKeyState; n: number; streakStartedAt: number | null; expected: boolean }> = [
    { name: 'N=1: a failure counts at once', passed: false, state: passing(0), n: 1, streakStartedAt: null, expected: true },
    { name: 'N=1: a pass does not count (recoveries stay the schedule\'s)', passed: true, state: passing(0), n: 1, streakStartedAt: null, expected: false },
    { name: 'a check already failing: nothing to change', passed: false, state: { status: 'failing', streak: 0 }, n: 1, streakStartedAt: null, expected: false },
    { name: 'a pass while failing does not count toward the recovery', passed: true, state: { status: 'failing', streak: 0 }, n: 1, streakStartedAt: null, expected: false },
    { name: 'N=2, no failure yet: the first failure does not advance the streak', passed: false, state: passing(0), n: 2, streakStartedAt: null, expected: false },
    { name: 'N=2, one scheduled failure moments ago: not the second (a flapping probe)', passed: false, state: passing(1), n: 2, streakStartedAt: NOW - 1000, expected: false },
    { name: 'N=2, one scheduled failure an interval less a millisecond ago: not yet', passed: false, state: passing(1), n: 2, streakStartedAt: NOW - INTERVAL + 1, expected: false },
    { name: 'N=2, one scheduled failure a whole interval ago: counts, as the next scheduled reading would', passed: false, state: passing(1), n: 2, streakStartedAt: NOW - INTERVAL, expected: true },
    { name: 'N=3, two failures, the first two intervals ago: counts', passed: false, state: passing(2), n: 3, streakStartedAt: NOW - 2 * INTERVAL, expected: true },
    { name: 'N=3, two failures, the first one interval ago (one read on demand): does not count', passed: false, state: passing(2), n: 3, streakStartedAt: NOW - INTERVAL, expected: false },
    { name: 'N=3, one failure long ago: would not complete the streak, so it does not count', passed: false, state: passing(1), n: 3, streakStartedAt: NOW - 10 * INTERVAL, expected: false },
    { name: 'N=2, a streak with no known start: does not count', passed: false, state: passing(1), n: 2, streakStartedAt: null, expected: false },
  ];
  for (const { name, passed, state, n, streakStartedAt, expected } of cases) {
    it(name, () => {
      assert.equal(onDemandReadingCounts({ passed, state, failuresToFail: n, streakStartedAt, intervalMs: INTERVAL, readAt: NOW }), expected);
    });
  }
});
