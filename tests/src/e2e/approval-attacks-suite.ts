import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalDigest, newId, type JarvisEventOf } from '@jarvis/contracts';
import { crashMainProcess, runContainer, waitRunning } from '../support/docker-harness.js';
import { countEngineEvents, freshSecond } from '../support/engine-events.js';
import { grantFor } from '../support/approval-fixtures.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import { publishAsAnyClient } from '../support/forged-events.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';

/** Restarts need a person's approval; requests expire after 20 s, so one test can watch an expiry. */
const APPROVAL_CONFIG = `
watch:
  reconcileIntervalSeconds: 5
policy:
  autoRestart: false
  approvalExpirySeconds: 20
verification:
  stableForMs: 1000
`;

/** Approval attacks against real nats-server and dockerd: zero executions for any of them, each recorded as refused. */
export function approvalAttacksSuite(shape: Shape): void {
  describe(`approvals under attack (${shape})`, { timeout: 300_000 }, () => {
    const lab = useLab(shape, APPROVAL_CONFIG);

    it('executes exactly the granted request once; altered, unknown, replayed and expired grants execute nothing and are refused', async () => {
      for (const name of ['approved', 'ignored']) await runContainer(lab.docker.docker, { name, cmd: ['sleep', '100000'], watched: true });
      await waitRunning(lab.docker.docker, 'ignored');
      const since = await freshSecond();
      await crashMainProcess(lab.docker.docker, 'ignored');
      await crashMainProcess(lab.docker.docker, 'approved');
      const ignored = await lab.reader.waitForEvent('ApprovalRequested', (e) => e.subject === 'container:ignored');
      const request = await lab.reader.waitForEvent('ApprovalRequested', (e) => e.subject === 'container:approved');
      assert.equal(request.data.digest, approvalDigest({ action: 'restart_container', target: request.data.target, params: request.data.params }));

      const altered = grantFor(request, { digest: approvalDigest({ action: 'restart_container', target: request.data.target, params: { force: true } }) });
      const unknown = grantFor(request, { requestId: newId() });
      await publishAsAnyClient(lab.nats.url, [altered, unknown]);
      const refusalOf = async (grantId: string) => (await lab.reader.waitForEvent('ApprovalRefused', (e) => e.causationId === grantId)).data.refusal;
      assert.equal(await refusalOf(altered.id), 'digest_mismatch');
      assert.equal(await refusalOf(unknown.id), 'unknown_request');

      const granted = grantFor(request);
      await publishAsAnyClient(lab.nats.url, [granted]);
      const resolved = await lab.explained('container:approved', lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === request.correlationId, 60_000));
      const incident = ofIncident(await lab.reader.events(), resolved.correlationId);
      const story = timeline(incident);
      const executed = incident.filter((e) => e.type === 'RemediationDecided' && e.data.outcome === 'execute') as JarvisEventOf<'RemediationDecided'>[];
      assert.deepEqual(executed.map((d) => [d.data.rule, d.data.approvalId]), [['approval_granted', granted.id]], story);

      const replayed = grantFor(request);
      await publishAsAnyClient(lab.nats.url, [replayed]);
      assert.equal(await refusalOf(replayed.id), 'not_pending');

      await lab.reader.waitForEvent('ApprovalExpired', (e) => e.data.requestId === ignored.id, 90_000);
      const late = grantFor(ignored);
      await publishAsAnyClient(lab.nats.url, [late]);
      assert.equal(await refusalOf(late.id), 'not_pending');

      assert.equal(await countEngineEvents(lab.docker, 'approved', since, ['restart']), 1, `one restart, the approved one\n${story}`);
      assert.equal(await countEngineEvents(lab.docker, 'ignored', since, ['start', 'restart']), 0, 'the expired request ran nothing');
      const started = (await lab.reader.events((e) => e.type === 'ActionStarted')).map((e) => e.subject);
      assert.deepEqual(started, ['container:approved']);
    });
  });
}
