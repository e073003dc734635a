import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { decodeCheckpoint, type Checkpoint } from '@jarvis/audit-chain';
import { JetStreamCheckpointStream } from '@jarvis/audit-store';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { eventStreamConfig, JetStreamEventLog } from '@jarvis/event-log';
import { incidentOpened } from '../support/event-fixtures.js';
import { runJarvisCli, type CliResult } from '../support/jarvis-cli.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { startSecuredNats, type SecuredNats } from '../support/secured-nats.js';

type Verification = { ok: boolean; verified: number; checkpoints: number; uncheckpointed: number; finding?: { kind: string; stream: string; seq: number } };

const dir = mkdtempSync(join(tmpdir(), 'jarvis-audit-chain-'));

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runJarvisCli(args, { JARVIS_DATA_DIR: dir, ...env }, 60_000);
}

function config(name: string, everyEvents: number, everySeconds: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `logLevel: log\naudit:\n  checkpointEveryEvents: ${everyEvents}\n  checkpointEverySeconds: ${everySeconds}\n`);
  return file;
}

let generation = 0;
async function launchAudit(env: NodeJS.ProcessEnv): Promise<TrackedProcess> {
  generation += 1;
  const proc = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'audit'], {
    env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock', JARVIS_DATA_DIR: dir, ...env },
    logFile: join(dir, `jarvis-${generation}.log`),
    cwd: REPO_ROOT,
  });
  await waitFor('jarvis to start', () => {
    if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
    return proc.log().includes('audit chain: a checkpoint every');
  }, 30_000);
  return proc;
}

async function storedCheckpoints(nc: NatsConnection): Promise<Checkpoint[]> {
  const { checkpoints } = await (await JetStreamCheckpointStream.open(nc, { create: false })).readAll();
  return checkpoints.map((stored) => {
    const decoded = decodeCheckpoint(stored.data);
    if (!decoded.ok) throw new Error(decoded.errors.join('; '));
    return decoded.checkpoint;
  });
}

const coveredUpTo = (nc: NatsConnection, seq: number) => async () => ((await storedCheckpoints(nc)).at(-1)?.lastSeq ?? 0) >= seq;

async function appendOpenings(log: JetStreamEventLog, count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) last = (await log.append(incidentOpened(`app-${i % 5}`))).seq;
  return last;
}

describe('the audit chain on a live stream (deny-delete lifted for the test)', { timeout: 300_000 }, () => {
  let nats: NatsHarness;
  let nc: NatsConnection;
  let log: JetStreamEventLog;
  let jarvis: TrackedProcess | undefined;
  const byCount = config('by-count', 20, 3600);

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
    await (await jetstreamManager(nc)).streams.add({ ...eventStreamConfig(EVENT_STREAM_NAME), deny_delete: false });
    log = await JetStreamEventLog.open(nc);
  });

  after(async () => {
    await jarvis?.stop();
    await nc?.close();
    await nats?.stop();
    await killAllTracked();
  });

  it('kill -9 between checkpoints: after the restart no checkpoint is missing or written twice', async () => {
    jarvis = await launchAudit({ NATS_URL: nats.url, JARVIS_CONFIG: byCount });
    await appendOpenings(log, 30);
    await waitFor('the first checkpoint', coveredUpTo(nc, 20), 30_000);
    await jarvis.kill9();
    const last = await appendOpenings(log, 15);
    jarvis = await launchAudit({ NATS_URL: nats.url, JARVIS_CONFIG: byCount });
    await waitFor('the second checkpoint', coveredUpTo(nc, 40), 30_000);
    await jarvis.stop();
    jarvis = await launchAudit({ NATS_URL: nats.url, JARVIS_CONFIG: config('by-time', 20, 1) });
    await waitFor('the tail checkpointed by time', coveredUpTo(nc, last), 30_000);
    const checkpoints = await storedCheckpoints(nc);
    assert.deepEqual(checkpoints.map((c) => [c.index, c.firstSeq, c.lastSeq]), [[1, 1, 20], [2, 21, 40], [3, 41, 45]]);
  });

  it('the untouched stream verifies: exit 0 with the count; --json gives the same as one object', async () => {
    const human = await runCli(['audit', 'verify'], { NATS_URL: nats.url });
    assert.equal(human.status, 0, human.stderr + human.stdout);
    assert.match(human.stdout, /audit chain intact: 45 events of JARVIS_EVENTS verified against 3 checkpoint\(s\)/);
    const json = await runCli(['audit', 'verify', '--json'], { NATS_URL: nats.url });
    assert.equal(json.status, 0, json.stderr);
    const result = JSON.parse(json.stdout) as Verification;
    assert.deepEqual([result.ok, result.verified, result.checkpoints, result.uncheckpointed], [true, 45, 3, 0]);
  });

  it('deleting one message: exit 1 naming its sequence and the kind, in JSON and in words', async () => {
    await (await jetstreamManager(nc)).streams.deleteMessage(EVENT_STREAM_NAME, 33);
    const json = await runCli(['audit', 'verify', '--json'], { NATS_URL: nats.url });
    assert.equal(json.status, 1, json.stderr);
    const result = JSON.parse(json.stdout) as Verification;
    assert.deepEqual(result.finding && [result.finding.kind, result.finding.stream, result.finding.seq], ['deleted', 'events', 33]);
    const human = await runCli(['audit', 'verify'], { NATS_URL: nats.url });
    assert.equal(human.status, 1);
    assert.match(human.stdout, /audit chain BROKEN at JARVIS_EVENTS seq 33: deleted/);
  });

  it('exit 2 when it cannot verify: NATS unreachable, a key file outside the data folder, a short key', async () => {
    const unreachable = await runCli(['audit', 'verify'], { NATS_URL: 'nats://127.0.0.1:1' });
    assert.equal(unreachable.status, 2);
    assert.match(unreachable.stderr, /could not verify/);
    const outside = await runCli(['audit', 'verify', '--key-file', '/etc/hostname'], { NATS_URL: nats.url });
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /--key-file: \/etc\/hostname resolves to .*, outside/);
    writeFileSync(join(dir, 'short.key'), 'short\n');
    chmodSync(join(dir, 'short.key'), 0o600);
    const short = await runCli(['audit', 'verify', '--key-file', 'short.key'], { NATS_URL: nats.url });
    assert.equal(short.status, 2);
    assert.match(short.stderr, /--key-file: short\.key holds 5 bytes, a key needs at least 32/);
    const usage = await runCli(['audit', 'verify', 'extra'], { NATS_URL: nats.url });
    assert.equal(usage.status, 2);
  });
});

describe('the audit chain under the generated NATS identities, with a signed checkpoint trail', { timeout: 300_000 }, () => {
  let nats: SecuredNats;
  let monitor: NatsConnection;
  let jarvis: TrackedProcess | undefined;

  before(async () => {
    nats = await startSecuredNats();
    monitor = await nats.connectAs('monitor');
  });

  after(async () => {
    await jarvis?.stop();
    await monitor?.close();
    await nats?.stop();
    await killAllTracked();
  });

  it('the audit identity writes the checkpoints, the read-only operator verifies them with the key', async () => {
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(join(dir, 'keys', 'audit.key'), `${'k'.repeat(48)}\n`);
    chmodSync(join(dir, 'keys', 'audit.key'), 0o600);
    const signed = join(dir, 'signed.yaml');
    writeFileSync(signed, 'audit:\n  checkpointEveryEvents: 10\n  checkpointEverySeconds: 1\n  checkpointKeyFile: keys/audit.key\n');
    jarvis = await launchAudit({ NATS_URL: nats.url, JARVIS_CONFIG: signed, ...nats.envOf('audit') });
    const log = await JetStreamEventLog.open(monitor);
    const last = await appendOpenings(log, 25);
    const operator = await nats.connectAs('operator');
    try {
      await waitFor('the events checkpointed', coveredUpTo(operator, last), 30_000);
    } finally {
      await operator.close();
    }
    const verified = await runCli(['audit', 'verify', '--json', '--key-file', 'keys/audit.key'], { NATS_URL: nats.url, ...nats.envOf('operator') });
    assert.equal(verified.status, 0, verified.stderr + verified.stdout);
    assert.equal((JSON.parse(verified.stdout) as Verification).verified, 25);
    writeFileSync(join(dir, 'keys', 'other.key'), 'o'.repeat(48));
    chmodSync(join(dir, 'keys', 'other.key'), 0o600);
    const forged = await runCli(['audit', 'verify', '--json', '--key-file', 'keys/other.key'], { NATS_URL: nats.url, ...nats.envOf('operator') });
    assert.equal(forged.status, 1);
    assert.deepEqual((JSON.parse(forged.stdout) as Verification).finding?.kind, 'checkpoint-forged');
    assert.deepEqual(nats.violations(), []);
  });
});
