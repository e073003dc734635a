import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { EVENT_STREAM_NAME, RPC, type HealthReply } from '@jarvis/contracts';
import { eventStreamConfig, JetStreamEventLog } from '@jarvis/event-log';
import { callRpc } from '../support/jarvis-rpc.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats } from '../support/nats-harness.js';
import { exitWithin, freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { incidentOpened } from '../support/event-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-store-'));
/** No Docker here: services that need no engine. */
const TARGETS = 'policy,audit,config-editor';

let launches = 0;
function launch(natsUrl: string, targets = TARGETS, config = 'logLevel: log\n'): TrackedProcess {
  launches += 1;
  const configFile = join(dir, `jarvis-${launches}.yaml`);
  writeFileSync(configFile, config);
  return spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', targets], {
    env: { ...process.env, NATS_URL: natsUrl, JARVIS_CONFIG: configFile, DOCKER_HOST: 'unix:///nonexistent.sock' },
    logFile: join(dir, `jarvis-${launches}.log`),
    cwd: REPO_ROOT,
  });
}

async function started(proc: TrackedProcess, timeoutMs: number): Promise<void> {
  await waitFor('jarvis to log that it started', () => {
    if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
    return proc.log().includes('started ');
  }, timeoutMs);
}

describe('jarvis start and the event store', { timeout: 180_000 }, () => {
  after(async () => {
    await killAllTracked();
  });

  it('starts within seconds when the stream\'s last sequence holds no message', async () => {
    const nats = await startNats();
    const nc = await connect({ servers: [nats.url] });
    try {
      // A stream made by an older Jarvis, which still allowed deletes and purges (today's has deny_delete, deny_purge).
      await (await jetstreamManager(nc)).streams.add({ ...eventStreamConfig(EVENT_STREAM_NAME), deny_delete: false, deny_purge: false });
      const log = await JetStreamEventLog.open(nc);
      for (const name of ['a', 'b']) await log.append(incidentOpened(name));
      const last = await log.append(incidentOpened('c'));
      const jsm = await jetstreamManager(nc);
      await jsm.streams.deleteMessage(EVENT_STREAM_NAME, last.seq);
      const proc = launch(nats.url);
      await started(proc, 15_000);
      assert.match(proc.log(), /WARN.*event store: stream JARVIS_EVENTS allows deleting or purging its events \(deny_delete and deny_purge off\); turn them on with `nats stream edit JARVIS_EVENTS --deny-delete --deny-purge`/);
      assert.equal(await proc.stop('SIGTERM', 20_000), 0);
      await jsm.streams.purge(EVENT_STREAM_NAME);
      const again = launch(nats.url);
      await started(again, 15_000);
      assert.equal(await again.stop('SIGTERM', 20_000), 0);
    } finally {
      await nc.close();
      await nats.stop();
    }
  });

  it('refuses to start on a hand-made memory stream: exit 2 naming the stream, the setting and the fix', async () => {
    const nats = await startNats();
    const nc = await connect({ servers: [nats.url] });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: EVENT_STREAM_NAME, subjects: ['jarvis.events.>'], storage: StorageType.Memory, retention: RetentionPolicy.Limits, duplicate_window: nanos(120_000) });
      const proc = launch(nats.url);
      const code = await exitWithin(proc, 30_000);
      if (code === 'running') await proc.kill9();
      assert.equal(code, 2, proc.log());
      assert.match(proc.log(), /jarvis: event store: stream JARVIS_EVENTS is not configured as Jarvis needs:\n {2}- storage is memory, must be file/);
      assert.match(proc.log(), /Fix: /);
    } finally {
      await nc.close();
      await nats.stop();
    }
  });

  it('health says degraded with the reason while appends fail (store full), and up again once space is freed', async () => {
    const port = await freePort();
    const conf = join(dir, 'nats-limited.conf');
    writeFileSync(conf, `listen: 127.0.0.1:${port}\njetstream { store_dir: "${join(dir, 'js-limited')}", max_file_store: 4MB }\n`);
    const nats = spawnTracked('nats-server', ['-c', conf], { logFile: join(dir, 'nats-limited.log') });
    const url = `nats://127.0.0.1:${port}`;
    await waitFor('nats-server ready', () => nats.log().includes('Server is ready'), 10_000);
    const nc = await connect({ servers: [url] });
    try {
      const first = launch(url, 'policy');
      await started(first, 15_000);
      assert.equal(await first.stop('SIGTERM', 20_000), 0);
      const log = await JetStreamEventLog.open(nc);
      await log.append(incidentOpened('web'));
      await fillStore(nc);
      const proc = launch(url, 'policy', 'logLevel: log\nevents:\n  maxDeliveries: 1000\n');
      await started(proc, 15_000);
      const degraded = await waitFor('health to say degraded', async () => {
        const health = await callRpc<HealthReply>(nc, RPC.health('policy'));
        return health.status === 'degraded' ? health : undefined;
      }, 15_000, 200);
      assert.match(String(degraded.details['degradedBecause']), /event store: appends are failing: .*(insufficient|resources|storage)/i);
      await (await jetstreamManager(nc)).streams.delete('FILLER');
      await waitFor('health to be up again', async () => (await callRpc<HealthReply>(nc, RPC.health('policy'))).status === 'up', 30_000, 200);
      assert.equal(await proc.stop('SIGTERM', 20_000), 0);
    } finally {
      await nc.close();
      await nats.stop();
    }
  });
});

/** Takes the server's whole JetStream file allowance with a stream of its own, so every other append fails. */
async function fillStore(nc: NatsConnection): Promise<void> {
  await (await jetstreamManager(nc)).streams.add({ name: 'FILLER', subjects: ['filler.>'], storage: StorageType.File });
  const js = jetstream(nc);
  const chunk = new Uint8Array(256 * 1024);
  for (let i = 0; i < 64; i++) {
    try {
      await js.publish('filler.x', chunk, { timeout: 5_000 });
    } catch {
      return;
    }
  }
  throw new Error('the store never filled up');
}
