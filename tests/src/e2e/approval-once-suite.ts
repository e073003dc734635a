import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crashMainProcess, runContainer, waitRunning } from '../support/docker-harness.js';
import { countEngineEvents, freshSecond } from '../support/engine-events.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';

const APPROVAL_CONFIG = `
watch:
  reconcileIntervalSeconds: 2
policy:
  autoRestart: false
`;

/** With automatic restarts off, a container that stays down gets one request for approval, not one per pass. */
export function approvalOnceSuite(shape: Shape): void {
  describe(`asking for approval once per incident (${shape})`, { timeout: 180_000 }, () => {
    const lab = useLab(shape, APPROVAL_CONFIG);

    it('records one needs_approval decision however many reconciliation passes see the container down', async () => {
      await runContainer(lab.docker.docker, { name: 'waiting', cmd: ['sleep', '100000'], watched: true });
      await waitRunning(lab.docker.docker, 'waiting');
      const since = await freshSecond();
      await crashMainProcess(lab.docker.docker, 'waiting');
      const first = await lab.reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:waiting');
      assert.equal(first.data.outcome, 'needs_approval');
      await sleep(10_000);
      const incident = ofIncident(await lab.reader.events(), first.correlationId);
      const decisions = incident.filter((e) => e.type === 'RemediationDecided');
      assert.equal(decisions.length, 1, timeline(incident));
      assert.equal(await countEngineEvents(lab.docker, 'waiting', since, ['start', 'restart']), 0, 'nothing restarted');
    });
  });
}
