import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ofIncident, timeline } from '../support/event-reader.js';
import { useLab } from '../support/lab.js';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';

const SUBJECT = 'dns_record:www.lab.jarvis.test';

function configFor(edge: EdgeLab): string {
  return `
dns:
  records:
    - domain: www.lab.jarvis.test
      expectedAddresses: [127.0.0.1]
      authoritative: ["127.0.0.1:${edge.ports.dns}"]
      timeoutMs: 500
      tries: 1
      intervalSeconds: 5
probes:
  failuresBeforeDetection: 2
  passesBeforeRecovery: 2
`;
}

/** The monitor runs the dns_record kind's probe like any scheduled probe: the wiring, not the judgement (unit-tested). */
describe('a DNS record watched by the monitor (all-in-one)', { timeout: 300_000 }, () => {
  let edge: EdgeLab;
  const lab = useLab('all-in-one', () => configFor(edge), {
    beforeJarvis: async () => {
      edge = await startEdgeLab();
    },
  });

  after(async () => {
    await edge?.stop();
  });

  it('opens an incident naming NXDOMAIN at the authoritative server while the record is missing, and resolves it once ddclient publishes it', async () => {
    const opened = await lab.explained(SUBJECT, lab.reader.waitForEvent('IncidentOpened', (e) => e.subject === SUBJECT, 60_000));
    assert.equal(opened.data.check, 'dns_resolution');
    assert.match(opened.data.summary, new RegExp(`NXDOMAIN for A at authoritative 127\\.0\\.0\\.1:${edge.ports.dns}`));

    const run = await edge.runDdclient();
    assert.equal(run.exitCode, 0, run.output);
    const resolved = await lab.explained(SUBJECT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === opened.correlationId, 60_000));
    const story = timeline(ofIncident(await lab.reader.events(), opened.correlationId));
    assert.equal(resolved.data.resolution, 'recovered', story);
    assert.match(resolved.data.reason, /www\.lab\.jarvis\.test resolves as expected/, story);
    assert.ok(!story.includes('ActionStarted'), `no action exists for DNS yet\n${story}`);
  });
});
