import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crashMainProcess, runContainer, startDockerd, type DockerHarness } from '../support/docker-harness.js';
import { EventReader, ofIncident, timeline } from '../support/event-reader.js';
import { startJarvis, type JarvisDeployment } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked } from '../support/processes.js';

const RECONCILE_SECONDS = 2;
const CONFIG = `
watch:
  reconcileIntervalSeconds: ${RECONCILE_SECONDS}
policy:
  autoRestart: false
`;

/** A container that stays down while restarts need approval: one detection and one decision, not one per pass. */
describe('a failure that does not change, with policy.autoRestart: false', { timeout: 180_000 }, () => {
  let nats: NatsHarness;
  let docker: DockerHarness;
  let jarvis: JarvisDeployment;
  let reader: EventReader;

  before(async () => {
    [nats, docker] = await Promise.all([startNats(), startDockerd()]);
    jarvis = await startJarvis('all-in-one', { natsUrl: nats.url, dockerHost: docker.host, config: CONFIG });
    reader = await EventReader.open(nats.url);
  });

  after(async () => {
    await reader?.close().catch(() => undefined);
    await jarvis?.stop().catch(() => undefined);
    await docker?.stop().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    await killAllTracked();
  });

  it('is recorded a bounded number of times over many reconciliation intervals', async () => {
    await runContainer(docker.docker, { name: 'down-for-good', cmd: ['sleep', '100000'], watched: true });
    await sleep(300);
    await crashMainProcess(docker.docker, 'down-for-good');
    const decided = await reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:down-for-good', 30_000);
    assert.equal(decided.data.outcome, 'needs_approval');
    await sleep(8 * RECONCILE_SECONDS * 1000);

    const incident = ofIncident(await reader.events(), decided.correlationId);
    const count = (type: string) => incident.filter((e) => e.type === type).length;
    assert.ok(count('DetectionRecorded') <= 2, `detections: ${count('DetectionRecorded')}\n${timeline(incident)}`);
    assert.ok(count('RemediationDecided') <= 2, `decisions: ${count('RemediationDecided')}\n${timeline(incident)}`);
    const record = (await (await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/incidents/${decided.correlationId}`)).json()) as { status: string; timeline: unknown[] };
    assert.equal(record.status, 'open');
    assert.equal(record.timeline.length, incident.length);
  });
});
