import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { startDockerd, type DockerHarness } from '../support/docker-harness.js';
import { startJarvis, type JarvisDeployment, type Shape } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { bringNatsBack } from '../support/nats-outage.js';
import { killAllTracked, waitFor, type TrackedProcess } from '../support/processes.js';

type StatusReply = { services: { service: string; status: string }[] };

/** Longer than nats.js's default 10 reconnect attempts (about 20 s), after which a connection closes for good. */
const OUTAGE_MS = 60_000;

async function statusOf(jarvis: JarvisDeployment): Promise<StatusReply> {
  const response = await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/status`, { signal: AbortSignal.timeout(3000) });
  return (await response.json()) as StatusReply;
}

/** Each stateful service's instance lock, read from the bucket: which pid holds it, if anyone does. */
async function lockHolders(url: string): Promise<Record<string, number | null>> {
  const nc = await connect({ servers: [url], maxReconnectAttempts: 0 });
  try {
    const kv = await new Kvm(nc).open('JARVIS_LOCKS');
    const holders: Record<string, number | null> = {};
    for (const service of ['monitor', 'policy', 'executor', 'config-editor', 'audit']) {
      const entry = await kv.get(service);
      holders[service] = entry?.operation === 'PUT' ? entry.json<{ pid: number }>().pid : null;
    }
    return holders;
  } finally {
    await nc.close();
  }
}

function everyServiceUp(status: StatusReply): boolean {
  return status.services.length === 6 && status.services.every((s) => s.status === 'up');
}

for (const shape of ['all-in-one', 'split'] as Shape[]) {
  describe(`a ${OUTAGE_MS / 1000} s NATS outage (${shape})`, { timeout: 240_000 }, () => {
    let nats: NatsHarness;
    let docker: DockerHarness;
    let jarvis: JarvisDeployment;
    let natsBack: TrackedProcess | undefined;

    before(async () => {
      [nats, docker] = await Promise.all([startNats(), startDockerd()]);
      jarvis = await startJarvis(shape, { natsUrl: nats.url, dockerHost: docker.host, config: 'watch:\n  reconcileIntervalSeconds: 5\n' });
    });

    after(async () => {
      await jarvis?.stop().catch(() => undefined);
      await natsBack?.stop();
      await docker?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await killAllTracked();
    });

    it('is survived: /api/jarvis/status has every service up within 10 s of NATS coming back', async () => {
      await waitFor('every service up before the outage', async () => everyServiceUp(await statusOf(jarvis)), 30_000, 500);
      await nats.process().stop('SIGTERM');
      await sleep(OUTAGE_MS);
      natsBack = await bringNatsBack(nats);
      const status = await waitFor('every service up after the outage', async () => {
        const reply = await statusOf(jarvis);
        return everyServiceUp(reply) && reply;
      }, 10_000, 250).catch((error: Error) => assert.fail(`${error.message}\n${jarvis.logs().slice(-4000)}`));
      assert.equal(status.services.length, 6);
      // The bucket's TTL expired every lock during the outage: each service renews, or takes its lock again.
      const expected = Object.fromEntries(['monitor', 'policy', 'executor', 'config-editor', 'audit'].map((s) => [s, jarvis.processOf(s).proc.pid]));
      await waitFor('every service to hold its instance lock again', async () => JSON.stringify(await lockHolders(nats.url)) === JSON.stringify(expected), 10_000, 500);
      for (const { proc, targets } of jarvis.processes) assert.equal(proc.child.exitCode, null, `${targets.join(',')} exited:\n${proc.log().slice(-2000)}`);
    });
  });
}
