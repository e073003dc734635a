import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DdclientConfig } from '@jarvis/config';
import type { DdclientInspection, DdclientPort } from './ddclient-port.js';
import { DdclientUpdateProbe } from './ddclient-update-probe.js';

/** Answers what the test sets and remembers which ddclient it was asked about. */
class ObservedDdclient implements DdclientPort {
  readonly asked: DdclientConfig[] = [];

  constructor(private readonly answer: DdclientInspection) {}

  async inspect(ddclient: DdclientConfig): Promise<DdclientInspection> {
    this.asked.push(ddclient);
    return this.answer;
  }

  async forceUpdate(): Promise<never> {
    throw new Error('the probe never forces an update');
  }

  async lastPublished(): Promise<never> {
    throw new Error('the probe never reads the cache');
  }
}

describe('DdclientUpdateProbe', () => {
  const ddclient = Object.assign(new DdclientConfig(), { name: 'home', config: '/etc/ddclient.conf', intervalSeconds: 120 });

  it('given a ddclient in jarvis.yaml, then it probes ddclient:<name> at its interval and judges what the port read', async () => {
    const port = new ObservedDdclient({ hostCount: 1, problems: [], hosts: [{ host: 'www.lab.test', outcome: 'failed', reason: 'bad_signature' }], logProblem: null });
    const probe = new DdclientUpdateProbe(ddclient, port, 5000);
    assert.deepEqual({ ...probe.target }, { kind: 'ddclient', id: 'home' });
    assert.equal(probe.check, 'ddclient_update');
    assert.equal(probe.intervalMs, 120_000);
    const finding = await probe.run(AbortSignal.timeout(1000));
    assert.equal(finding.status, 'failed');
    assert.equal(port.asked[0], ddclient);
  });
});
