import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressWithPort, probeEvidence, type ProbeRequestFacts } from './probe-evidence.js';

const FACTS: ProbeRequestFacts = { method: 'GET', url: new URL('https://nas.lab/health?key=s3cret'), addresses: null, answeredBy: null };
const v4 = (address: string) => ({ address, family: 4 as const });

describe('probe evidence', () => {
  it('names the host with the default port until it is resolved', () => {
    assert.equal(addressWithPort(FACTS), 'nas.lab:443');
    assert.equal(addressWithPort({ ...FACTS, url: new URL('http://[::1]/') }), '[::1]:80');
  });

  it('names the vetted addresses tried, at most three', () => {
    assert.equal(addressWithPort({ ...FACTS, addresses: [v4('10.0.0.1'), { address: 'fd12::1', family: 6 }] }), '10.0.0.1:443 or [fd12::1]:443');
    const five = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map(v4);
    assert.equal(addressWithPort({ ...FACTS, addresses: five }), '10.0.0.1:443 or 10.0.0.2:443 or 10.0.0.3:443 or 2 more');
  });

  it('names the address that answered once there is one', () => {
    assert.equal(addressWithPort({ ...FACTS, addresses: [v4('10.0.0.1'), v4('10.0.0.2')], answeredBy: '10.0.0.2' }), '10.0.0.2:443');
  });

  it('leaves the query string out', () => {
    assert.equal(probeEvidence({ ...FACTS, addresses: [v4('10.0.0.1')] }, 'HTTP 200'), 'GET https://nas.lab/health?… via 10.0.0.1:443: HTTP 200');
  });
});
