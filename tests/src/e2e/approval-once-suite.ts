import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crashMainProcess, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { countEngineEvents, freshSecond } from '../support/engine-events.js';
import { EventReader, ofIncident, timeline } from '../support/event-reader.js';
import { startJarvis, type JarvisDeployment, type Shape } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked } from '../support/processes.js';

const APPROVAL_CONFIG = `
watch:
  reconcileIntervalSeconds: 2
policy:
  autoRestart: false
`;

/** With automatic restarts off, a container that stays down gets one request for approval, not one per pass. */
export function approvalOnceSuite(shape: Shape): void {
  describe(`asking for approval once per incident (${shape})`, { timeout: 180_000 }, () => {
    let nats: NatsHarness;
    let docker: DockerHarness;
    let jarvis: JarvisDeployment;
    let reader: EventReader;

    before(async () => {
      [nats, docker] = await Promise.all([startNats(), startDockerd()]);
      jarvis = await startJarvis(shape, { natsUrl: nats.url, dockerHost: docker.host, config: APPROVAL_CONFIG });
      reader = await EventReader.open(nats.url);
    });

    after(async () => {
      await reader?.close().catch(() => undefined);
      await jarvis?.stop().catch(() => undefined);
      await docker?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await killAllTracked();
    });

    it('records one needs_approval decision however many reconciliation passes see the container down', async () => {
      await runContainer(docker.docker, { name: 'waiting', cmd: ['sleep', '100000'], watched: true });
      await waitRunning(docker.docker, 'waiting');
      const since = await freshSecond();
      await crashMainProcess(docker.docker, 'waiting');
      const first = await reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:waiting');
      assert.equal(first.data.outcome, 'needs_approval');
      await sleep(10_000);
      const incident = ofIncident(await reader.events(), first.correlationId);
      const decisions = incident.filter((e) => e.type === 'RemediationDecided');
      assert.equal(decisions.length, 1, timeline(incident));
      assert.equal(await countEngineEvents(docker, 'waiting', since, ['start', 'restart']), 0, 'nothing restarted');
    });
  });
}
