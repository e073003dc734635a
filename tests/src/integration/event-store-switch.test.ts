import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { runJarvisCli, type CliResult } from '../support/jarvis-cli.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { freePort, killAllTracked } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-event-store-'));

function jarvisStart(env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runJarvisCli(['start', '--target', 'audit'], { JARVIS_DATA_DIR: join(dir, 'data'), JARVIS_CONFIG: '', ...env }, 60_000);
}

/** KurrentDB cannot be installed here: these are the refusals, which need no server. */
describe('jarvis start on KurrentDB (JARVIS_EVENT_STORE=kurrentdb)', { timeout: 120_000 }, () => {
  let nats: NatsHarness;

  before(async () => {
    nats = await startNats();
  });

  after(async () => {
    await nats?.stop();
    await killAllTracked();
  });

  it('refuses to start without a KurrentDB URL, exit 2, before connecting anywhere', async () => {
    const result = await jarvisStart({ NATS_URL: 'nats://127.0.0.1:1', JARVIS_EVENT_STORE: 'kurrentdb' });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /events\.store is kurrentdb but no KurrentDB is named: set JARVIS_KURRENTDB_URL/);
  });

  it('refuses an unknown store, exit 2', async () => {
    const result = await jarvisStart({ NATS_URL: 'nats://127.0.0.1:1', JARVIS_EVENT_STORE: 'sqlite' });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /JARVIS_EVENT_STORE: "sqlite" is not an event store/);
  });

  it('exits 2 naming the KurrentDB it could not open, its password hidden, and creates no JetStream event stream', async () => {
    const port = await freePort();
    const result = await jarvisStart({ NATS_URL: nats.url, JARVIS_EVENT_STORE: 'kurrentdb', JARVIS_KURRENTDB_URL: `kurrentdb://admin:changeit@127.0.0.1:${port}?tls=false` });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`JARVIS_KURRENTDB_URL: cannot open the event log at kurrentdb://\\*\\*\\*@127\\.0\\.0\\.1:${port}\\?tls=false`));
    assert.doesNotMatch(result.stderr, /changeit/);
    const nc = await connect({ servers: [nats.url] });
    try {
      const streams: string[] = [];
      for await (const name of (await jetstreamManager(nc)).streams.names()) streams.push(name);
      assert.ok(!streams.includes('JARVIS_EVENTS'), streams.join(', '));
    } finally {
      await nc.close();
    }
  });
});
