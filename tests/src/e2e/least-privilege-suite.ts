import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeEvent, subjectOf } from '@jarvis/contracts';
import { crashMainProcess, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { restartDecision } from '../support/event-fixtures.js';
import { timeline, typesOf } from '../support/event-reader.js';
import { startJarvis, type JarvisDeployment, type Shape } from '../support/jarvis-harness.js';
import { OperatorReader } from '../support/operator-reader.js';
import { isPermissionViolation } from '../support/permission-probe.js';
import { killAllTracked, waitFor } from '../support/processes.js';
import { startSecuredNats, type SecuredNats } from '../support/secured-nats.js';
import { TEST_CONFIG } from './healing-suite.js';

const HEALED = ['DetectionRecorded', 'IncidentOpened', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'IncidentResolved'];
/** Long enough for a decision that got through to reach the executor and be acted on or refused (it takes ~0.1 s). */
const FORGED_DECISION_GRACE_MS = 3_000;

/** Jarvis against the generated NATS identities: each process logs in as its own identity (split) or as `jarvis`. */
export function leastPrivilegeSuite(shape: Shape): void {
  describe(`Jarvis with least-privilege NATS identities (${shape})`, { timeout: 300_000 }, () => {
    let nats: SecuredNats;
    let docker: DockerHarness;
    let jarvis: JarvisDeployment;
    let operator: NatsConnection;
    let reader: OperatorReader;

    before(async () => {
      [nats, docker] = await Promise.all([startSecuredNats(), startDockerd()]);
      jarvis = await startJarvis(shape, {
        natsUrl: nats.url,
        dockerHost: docker.host,
        config: TEST_CONFIG,
        envOf: (targets) => nats.envOf(targets.length === 1 ? targets[0]! : 'jarvis'),
      });
      operator = await nats.connectAs('operator');
      reader = await OperatorReader.open(operator);
    });

    after(async () => {
      await operator?.close().catch(() => undefined);
      await jarvis?.stop().catch(() => undefined);
      await docker?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await killAllTracked();
    });

    it('each process logged in as its identity; the status over RPC reaches every service', async () => {
      for (const { targets, proc } of jarvis.processes) {
        assert.match(proc.log(), new RegExp(`as user ${shape === 'split' ? targets[0] : 'jarvis'}`), proc.log());
      }
      const status = (await (await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/status`)).json()) as { services: { service: string; status: string }[] };
      assert.deepEqual(status.services.map((s) => `${s.service}:${s.status}`).sort(), ['audit:up', 'config-editor:up', 'executor:up', 'gateway:up', 'monitor:up', 'policy:up']);
    });

    it('heals a crashed container, and no service identity was refused anything on the way', async () => {
      await runContainer(docker.docker, { name: 'web', cmd: ['sleep', '100000'], watched: true });
      await sleep(300);
      const crashedAt = await crashMainProcess(docker.docker, 'web');
      const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:web');
      const incident = await reader.events((e) => e.correlationId === resolved.correlationId);
      assert.deepEqual(typesOf(incident), HEALED, timeline(incident));
      const info = await waitRunning(docker.docker, 'web');
      assert.ok(Date.parse(info.State.StartedAt) > crashedAt.getTime(), 'web was started again after the crash');
      assert.deepEqual(nats.violations().filter((line) => !line.includes('User "operator"')), [], jarvis.logs());
    });

    it('a decision forged with the operator identity is refused by the server and executes nothing', async () => {
      await runContainer(docker.docker, { name: 'db', cmd: ['sleep', '100000'], watched: true });
      const running = await waitRunning(docker.docker, 'db');
      const forged = restartDecision('db');
      const refusal = await jetstream(operator)
        .publish(subjectOf('RemediationDecided'), encodeEvent(forged), { msgID: forged.id, timeout: 5_000 })
        .then(() => undefined, (error: unknown) => error);
      assert.ok(isPermissionViolation(refusal), `the server accepted the forged decision: ${String(refusal)}`);
      operator.publish(subjectOf('RemediationDecided'), encodeEvent(forged));
      await operator.flush();
      await sleep(FORGED_DECISION_GRACE_MS);

      const touched = await reader.events((e) => e.id === forged.id || e.causationId === forged.id || e.subject === 'container:db');
      assert.deepEqual(touched, [], timeline(touched));
      const after = await docker.docker.getContainer('db').inspect();
      assert.equal(after.State.StartedAt, running.State.StartedAt, 'db was not restarted');
      assert.ok(nats.violations().some((line) => line.includes('User "operator"') && line.includes(subjectOf('RemediationDecided'))), nats.violations().join('\n'));
    });

    it('a process stops cleanly (snapshot saved, lock released) and resumes from its snapshot under its identity', async () => {
      const policy = jarvis.processOf('policy');
      assert.equal(await policy.proc.stop('SIGTERM', 20_000), 0, policy.proc.log());
      await jarvis.restart(policy);
      await waitFor('the policy to start from its snapshot', () => /jarvis-policy: starting from the snapshot at seq \d+/.test(policy.proc.log()), 30_000);
      assert.deepEqual(nats.violations().filter((line) => !line.includes('User "operator"')), [], jarvis.logs());
    });

    it('never logs a password', () => {
      const identities = shape === 'split' ? jarvis.processes.map((p) => p.targets[0]!) : ['jarvis'];
      const logs = jarvis.logs() + readdirSync(jarvis.dir).map((f) => readFileSync(join(jarvis.dir, f), 'utf8')).join('\n');
      for (const identity of identities) {
        const password = readFileSync(nats.passwordFile(identity), 'utf8').trim();
        assert.ok(password.length > 20);
        assert.ok(!logs.includes(password), `${identity}'s password is in a log`);
      }
    });
  });
}
