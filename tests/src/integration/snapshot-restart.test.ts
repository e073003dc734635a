import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RPC, type JarvisEvent } from '@jarvis/contracts';
import { decodeSnapshot, JetStreamSnapshotStore } from '@jarvis/event-log';
import { EventReader } from '../support/event-reader.js';
import { callRpc } from '../support/jarvis-rpc.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { incidentOpened } from '../support/event-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-snap-'));
const configFile = join(dir, 'jarvis.yaml');
writeFileSync(configFile, 'logLevel: log\nevents:\n  snapshotEveryEvents: 10\n');

type IncidentSummary = { id: string; decisions: number };

describe('snapshots across a kill -9 of Jarvis', { timeout: 180_000 }, () => {
  let nats: NatsHarness;
  let nc: NatsConnection;
  let reader: EventReader;
  let generation = 0;

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
    reader = await EventReader.open(nats.url);
  });

  after(async () => {
    await reader?.close();
    await nc?.close();
    await nats?.stop();
    await killAllTracked();
  });

  async function launch(): Promise<TrackedProcess> {
    generation += 1;
    const proc = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'policy,audit'], {
      env: { ...process.env, NATS_URL: nats.url, JARVIS_CONFIG: configFile, DOCKER_HOST: 'unix:///nonexistent.sock' },
      logFile: join(dir, `jarvis-${generation}.log`),
      cwd: REPO_ROOT,
    });
    await waitFor('jarvis to start', () => {
      if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
      return proc.log().includes('started ');
    }, 20_000);
    return proc;
  }

  const decisionsFor = async (incidents: JarvisEvent[]) => {
    const ids = new Set(incidents.map((e) => e.correlationId));
    return reader.events((e) => e.type === 'RemediationDecided' && ids.has(e.correlationId));
  };

  it('resumes from the snapshots plus the tail: nothing lost, nothing applied twice', async () => {
    const first = await launch();
    const early = Array.from({ length: 30 }, (_, i) => incidentOpened(`early-${i}`));
    for (const event of early) await reader.log.append(event);
    await waitFor('a decision per early incident', async () => (await decisionsFor(early)).length === early.length, 30_000, 200);
    const snapshots = await JetStreamSnapshotStore.open(nc);
    for (const processor of ['jarvis-policy', 'jarvis-audit']) {
      await waitFor(`a snapshot of ${processor}`, async () => {
        const bytes = await snapshots.load(processor);
        return bytes !== undefined && decodeSnapshot(bytes).seq > 0;
      }, 10_000, 100);
    }
    const tail = Array.from({ length: 5 }, (_, i) => incidentOpened(`tail-${i}`));
    for (const event of tail) await reader.log.append(event);
    await first.kill9();

    const second = await launch();
    const all = [...early, ...tail];
    await waitFor('a decision per incident', async () => (await decisionsFor(all)).length >= all.length, 30_000, 200);
    const decisions = await decisionsFor(all);
    assert.equal(decisions.length, all.length, 'exactly one decision per incident');
    assert.match(second.log(), /jarvis-policy: starting from the snapshot at seq \d+/);
    assert.match(second.log(), /jarvis-audit: starting from the snapshot at seq \d+/);
    const policyRead = /jarvis-policy: read (\d+) events from seq (\d+)/.exec(second.log());
    assert.ok(policyRead && Number(policyRead[2]) > 1, 'the policy read only the tail after its snapshot');
    const listed = await waitFor('the audit to list every incident with one decision', async () => {
      const reply = await callRpc<{ incidents: IncidentSummary[] }>(nc, RPC.auditIncidents, { status: 'all', limit: 1000 });
      const mine = reply.incidents.filter((i) => all.some((e) => e.correlationId === i.id));
      return mine.length === all.length && mine.every((i) => i.decisions >= 1) ? mine : undefined;
    }, 15_000, 200);
    assert.deepEqual(listed.filter((i) => i.decisions !== 1), [], 'no decision was applied twice');
    assert.equal(await second.stop('SIGTERM', 20_000), 0);
  });
});
