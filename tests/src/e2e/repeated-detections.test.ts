import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crashMainProcess, runContainer } from '../support/docker-harness.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import { useLab } from '../support/lab.js';

const RECONCILE_SECONDS = 2;
const CONFIG = `
watch:
  reconcileIntervalSeconds: ${RECONCILE_SECONDS}
policy:
  autoRestart: false
`;

/** A container that stays down while restarts need approval: one detection and one decision, not one per pass. */
describe('a failure that does not change, with policy.autoRestart: false', { timeout: 180_000 }, () => {
  const lab = useLab('all-in-one', CONFIG);

  it('is recorded a bounded number of times over many reconciliation intervals', async () => {
    await runContainer(lab.docker.docker, { name: 'down-for-good', cmd: ['sleep', '100000'], watched: true });
    await sleep(300);
    await crashMainProcess(lab.docker.docker, 'down-for-good');
    const decided = await lab.reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:down-for-good', 30_000);
    assert.equal(decided.data.outcome, 'needs_approval');
    await sleep(8 * RECONCILE_SECONDS * 1000);

    const incident = ofIncident(await lab.reader.events(), decided.correlationId);
    const count = (type: string) => incident.filter((e) => e.type === type).length;
    assert.ok(count('DetectionRecorded') <= 2, `detections: ${count('DetectionRecorded')}\n${timeline(incident)}`);
    assert.ok(count('RemediationDecided') <= 2, `decisions: ${count('RemediationDecided')}\n${timeline(incident)}`);
    const record = (await (await fetch(`http://127.0.0.1:${lab.jarvis.httpPort}/api/jarvis/incidents/${decided.correlationId}`)).json()) as { status: string; timeline: unknown[] };
    assert.equal(record.status, 'open');
    assert.equal(record.timeline.length, incident.length);
  });
});
