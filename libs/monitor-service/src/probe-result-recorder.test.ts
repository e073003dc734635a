import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent, derivedId, type TargetRef } from '@jarvis/contracts';
import type { CheckResult } from '@jarvis/registry';
import { ProbeResultRecorder } from './probe-result-recorder.js';
import { recordingMonitorHost } from './recording-host.test-support.js';

const T0 = Date.parse('2026-11-29T05:00:00.000Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs);
const DISK: TargetRef = { kind: 'disk', id: '/srv' };
const FULL: CheckResult = { check: 'disk_usage', status: 'failed', reason: '62.5% used (warn at 50%); nothing reclaimable', faultAt: at(0).toISOString() };

/** The monitor's recorder over a host that stores what it is given, with one disk incident resolved at `resolvedMs`. */
function givenResolvedAt(resolvedMs: number) {
  const incidentId = derivedId('incident', 'disk');
  const envelope = { source: 'monitor' as const, subject: 'disk:/srv', correlationId: incidentId, causationId: null };
  const seed = [
    createEvent({ ...envelope, id: derivedId('opened'), type: 'IncidentOpened', time: at(-5000).toISOString(), data: { target: DISK, check: 'disk_usage', detectionId: derivedId('detection'), faultAt: at(-5000).toISOString(), summary: 'full' } }),
    createEvent({ ...envelope, id: derivedId('resolved'), type: 'IncidentResolved', time: at(resolvedMs).toISOString(), data: { target: DISK, resolution: 'remediated', reason: 'cleaned and verified' } }),
  ];
  const { host, recorded } = recordingMonitorHost({ seed });
  const recorder = new ProbeResultRecorder(host, { redetectAfterMs: 30_000, restateStopAfterMs: 3_600_000 });
  return { recorder, opened: () => recorded.filter((e) => e.type === 'IncidentOpened') };
}

describe('ProbeResultRecorder: a reading taken before the last fix was verified', () => {
  it('given a failing reading taken while the fix was under way and told after its resolution, then no incident opens', async () => {
    const { recorder, opened } = givenResolvedAt(1000);
    await recorder.record({ target: DISK, result: FULL, eventDriven: false, removed: false, now: at(1200), readAt: at(400) });
    assert.deepEqual(opened(), []);
  });

  it('given a failing reading taken after the resolution, then the fault is back and an incident opens', async () => {
    const { recorder, opened } = givenResolvedAt(1000);
    await recorder.record({ target: DISK, result: FULL, eventDriven: false, removed: false, now: at(2200), readAt: at(2000) });
    assert.equal(opened().length, 1);
  });
});
