import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AUDIT_CHECKPOINT_STREAM,
  AUDIT_CHECKPOINT_SUBJECT,
  EVENT_CATALOG,
  EVENT_ROUTES,
  EVENT_STREAM_NAME,
  EVENT_TYPES,
  PROCESSOR_SERVICES,
  RPC_ROUTES,
  SERVICE_NAMES,
  SINGLE_INSTANCE_SERVICES,
  type ServiceName,
} from '@jarvis/contracts';
import { JetStreamEventLog, SNAPSHOT_BUCKET } from '@jarvis/event-log';
import { LOCK_BUCKET } from '@jarvis/service-kit';
import { restartDecision } from '../support/event-fixtures.js';
import { REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats } from '../support/nats-harness.js';
import { isPermissionViolation, probePublish, probeSubscribe, type Verdict } from '../support/permission-probe.js';
import { killAllTracked } from '../support/processes.js';
import { startSecuredNats, type SecuredNats } from '../support/secured-nats.js';

const S = EVENT_STREAM_NAME;
/** Who each identity is, written from the rules, not from the generator. */
const RUNS: Record<string, readonly ServiceName[]> = {
  ...Object.fromEntries(SERVICE_NAMES.map((s) => [s, [s]])),
  jarvis: SERVICE_NAMES,
  operator: [],
};
const IDENTITIES = Object.keys(RUNS);
const runs = (identity: string, service: ServiceName) => RUNS[identity]!.includes(service);
const runsAny = (identity: string, services: readonly ServiceName[]) => services.some((s) => runs(identity, s));
const isService = (identity: string) => identity !== 'operator';
const durable = (service: ServiceName) => `jarvis-${service}`;
/** The identity that sends requests in the shape `identity` belongs to. */
const requesterOf = (identity: string) => (identity === 'jarvis' ? 'jarvis' : 'gateway');

/**
 * Whether the split service `identity` serves a request subject that the service `owner` asks (the config editor
 * answers the executor). All-in-one asks itself, on its own inbox.
 */
const answersRequestsOf = (identity: string, owner: string) => identity !== 'jarvis' && RPC_ROUTES.some((route) => runs(identity, route.servedBy) && (route.requestedBy as readonly string[]).includes(owner));

type Cell = { op: 'publish' | 'subscribe'; subject: string; expected: (identity: string) => boolean; body?: string };

function eventCells(): Cell[] {
  return EVENT_TYPES.flatMap((type) => {
    const subject = EVENT_CATALOG[type].subject;
    return [
      { op: 'publish', subject, expected: (id) => runsAny(id, EVENT_ROUTES[type].publishedBy), body: 'not an event' },
      { op: 'subscribe', subject, expected: (id) => id === 'operator' },
    ];
  });
}

function rpcCells(): Cell[] {
  return RPC_ROUTES.flatMap((route) => [
    { op: 'publish', subject: route.subject, expected: (id) => runsAny(id, route.requestedBy) },
    { op: 'subscribe', subject: route.subject, expected: (id) => runs(id, route.servedBy) || id === 'operator' },
  ]);
}

function inboxCells(): Cell[] {
  return [
    ...IDENTITIES.flatMap((owner): Cell[] => [
      { op: 'subscribe', subject: `_INBOX_${owner}.probe`, expected: (id) => id === owner },
      { op: 'publish', subject: `_INBOX_${owner}.probe`, expected: (id) => isService(id) && (requesterOf(id) === owner || answersRequestsOf(id, owner)) },
    ]),
    { op: 'subscribe', subject: '_INBOX.probe', expected: () => false },
    { op: 'publish', subject: '_INBOX.probe', expected: () => false },
    { op: 'subscribe', subject: 'jarvis.>', expected: (id) => id === 'operator' },
    { op: 'subscribe', subject: '$KV.>', expected: () => false },
    { op: 'publish', subject: 'somewhere.else', expected: () => false },
  ];
}

const api = (subject: string, expected: (identity: string) => boolean): Cell => ({ op: 'publish', subject: `$JS.API.${subject}`, expected });

function jetStreamCells(): Cell[] {
  const nobody = () => false;
  const operatorOnly = (id: string) => id === 'operator';
  const processorIdentity = (id: string) => runsAny(id, PROCESSOR_SERVICES);
  const lockHolder = (id: string) => runsAny(id, SINGLE_INSTANCE_SERVICES);
  return [
    api('INFO', () => true),
    api(`STREAM.INFO.${S}`, () => true),
    api(`STREAM.CREATE.${S}`, isService),
    ...['UPDATE', 'DELETE', 'PURGE', 'MSG.DELETE'].map((op) => api(`STREAM.${op}.${S}`, nobody)),
    api('STREAM.LIST', operatorOnly),
    api('STREAM.NAMES', operatorOnly),
    api(`CONSUMER.LIST.${S}`, operatorOnly),
    api(`CONSUMER.CREATE.${S}`, nobody),
    api(`CONSUMER.DURABLE.CREATE.${S}.someone`, nobody),
    api(`CONSUMER.CREATE.${S}.reader-probe`, (id) => processorIdentity(id) || id === 'operator'),
    api(`CONSUMER.CREATE.${S}.reader-probe.jarvis.events.remediation.decided`, nobody),
    api(`CONSUMER.DELETE.${S}.reader-probe`, processorIdentity),
    api(`CONSUMER.MSG.NEXT.${S}.reader-probe`, (id) => processorIdentity(id) || id === 'operator'),
    api(`STREAM.MSG.GET.${S}`, (id) => processorIdentity(id) || id === 'operator'),
    ...PROCESSOR_SERVICES.flatMap((service) => [
      api(`CONSUMER.CREATE.${S}.${durable(service)}`, (id) => runs(id, service)),
      api(`CONSUMER.CREATE.${S}.${durable(service)}.jarvis.events.remediation.decided`, nobody),
      api(`CONSUMER.INFO.${S}.${durable(service)}`, (id) => runs(id, service) || id === 'operator'),
      api(`CONSUMER.MSG.NEXT.${S}.${durable(service)}`, (id) => runs(id, service)),
      api(`CONSUMER.DELETE.${S}.${durable(service)}`, nobody),
      { op: 'publish', subject: `$JS.ACK.${S}.${durable(service)}.1.1.1.1.0`, expected: (id: string) => runs(id, service), body: '+ACK' } satisfies Cell,
      { op: 'publish', subject: `$KV.${SNAPSHOT_BUCKET}.${durable(service)}`, expected: (id: string) => runs(id, service) } satisfies Cell,
      api(`DIRECT.GET.KV_${SNAPSHOT_BUCKET}.$KV.${SNAPSHOT_BUCKET}.${durable(service)}`, (id) => runs(id, service) || id === 'operator'),
    ]),
    ...SINGLE_INSTANCE_SERVICES.flatMap((service) => [
      { op: 'publish', subject: `$KV.${LOCK_BUCKET}.${service}`, expected: (id: string) => runs(id, service), body: '{}' } satisfies Cell,
      api(`DIRECT.GET.KV_${LOCK_BUCKET}.$KV.${LOCK_BUCKET}.${service}`, (id) => runs(id, service) || id === 'operator'),
    ]),
    { op: 'publish', subject: `$KV.${LOCK_BUCKET}.gateway`, expected: nobody },
    api(`STREAM.UPDATE.KV_${LOCK_BUCKET}`, lockHolder),
    api(`STREAM.UPDATE.KV_${SNAPSHOT_BUCKET}`, nobody),
    ...[LOCK_BUCKET, SNAPSHOT_BUCKET].flatMap((bucket) => ['DELETE', 'PURGE'].map((op) => api(`STREAM.${op}.KV_${bucket}`, nobody))),
  ];
}

/** The audit checkpoints: appended by the audit service alone, read by it and the operator, deleted by nobody. */
function recordStreamCells(): Cell[] {
  const A = AUDIT_CHECKPOINT_STREAM;
  const audit = (id: string) => runs(id, 'audit');
  const auditOrOperator = (id: string) => audit(id) || id === 'operator';
  return [
    { op: 'publish', subject: AUDIT_CHECKPOINT_SUBJECT, expected: audit },
    api(`STREAM.INFO.${A}`, auditOrOperator),
    api(`STREAM.CREATE.${A}`, audit),
    api(`STREAM.MSG.GET.${A}`, auditOrOperator),
    ...['UPDATE', 'DELETE', 'PURGE', 'MSG.DELETE'].map((op) => api(`STREAM.${op}.${A}`, () => false)),
  ];
}

const CELLS: Cell[] = [...eventCells(), ...rpcCells(), ...inboxCells(), ...jetStreamCells(), ...recordStreamCells()];

describe('NATS identities generated from the contracts', { timeout: 300_000 }, () => {
  it('the committed infra/nats files are exactly what tools/nats-config.mjs generates from the contracts', () => {
    const out = mkdtempSync(join(tmpdir(), 'jarvis-nats-generated-'));
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'nats-config.mjs'), '--out', out], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    for (const file of ['identities.conf', 'events.md', 'asyncapi.json']) {
      assert.equal(readFileSync(join(REPO_ROOT, 'infra', 'nats', file), 'utf8'), readFileSync(join(out, file), 'utf8'), `infra/nats/${file} differs from the generated one: run node tools/nats-config.mjs`);
    }
    const asyncapi = JSON.parse(readFileSync(join(out, 'asyncapi.json'), 'utf8')) as { channels: Record<string, { address: string }> };
    const addresses = Object.values(asyncapi.channels).map((c) => c.address).sort();
    assert.deepEqual(addresses, [...EVENT_TYPES.map((t) => EVENT_CATALOG[t].subject), ...RPC_ROUTES.map((r) => r.subject)].sort());
  });

  it('nats-server accepts the compose server config with its identities, and refuses to start without the password hashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-nats-identities-conf-'));
    const config = readFileSync(join(REPO_ROOT, 'infra', 'nats', 'nats-server-identities.conf'), 'utf8');
    const version = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).stdout;
    // This machine's 2.9 lacks sync_interval (2.10): that line is the only one it cannot read.
    writeFileSync(join(dir, 'server.conf'), /v2\.9\./.test(version) ? config.replace(/^\s*sync_interval: always\s*$/m, '') : config);
    copyFileSync(join(REPO_ROOT, 'infra', 'nats', 'identities.conf'), join(dir, 'identities.conf'));
    const env = { ...process.env, JARVIS_NATS_STORE: join(dir, 'js') };
    const test = () => spawnSync('nats-server', ['-t', '-c', join(dir, 'server.conf')], { env, encoding: 'utf8', timeout: 10_000 });
    const withoutSecrets = test();
    assert.notEqual(withoutSecrets.status, 0);
    assert.match(withoutSecrets.stderr, /secrets\/passwords\.conf/);
    const made = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'nats-secrets.mjs'), '--dir', join(dir, 'secrets')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(made.status, 0, made.stderr);
    const valid = test();
    assert.equal(valid.status, 0, valid.stderr);
    assert.equal(statSync(join(dir, 'secrets', 'passwords.conf')).mode & 0o077, 0, 'the hashes are private');
    assert.equal(statSync(join(dir, 'secrets', 'operator.password')).mode & 0o077, 0, 'the passwords are private');

    const password = readFileSync(join(dir, 'secrets', 'monitor.password'), 'utf8');
    const again = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'nats-secrets.mjs'), '--dir', join(dir, 'secrets'), '--owner', '4242:4343'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(join(dir, 'secrets', 'monitor.password'), 'utf8'), password, 'a second run keeps the passwords');
    const monitor = statSync(join(dir, 'secrets', 'monitor.password'));
    assert.deepEqual([monitor.uid, monitor.gid], [4242, 4343], 'given to the user the Jarvis container runs as');
    assert.equal(statSync(join(dir, 'secrets', 'operator.password')).uid, process.getuid!());
    assert.equal(test().status, 0);
    const bad = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'nats-secrets.mjs'), '--dir', join(dir, 'secrets'), '--owner', 'jarvis'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--owner UID\[:GID\]/);
  });

  describe('every identity × subject × publish, subscribe and JetStream API on a real nats-server', () => {
    let nats: SecuredNats;
    const connections = new Map<string, NatsConnection>();

    before(async () => {
      nats = await startSecuredNats();
      for (const identity of IDENTITIES) connections.set(identity, await nats.connectAs(identity));
      const admin = connections.get('jarvis')!;
      await JetStreamEventLog.open(admin);
      await new Kvm(admin).create(LOCK_BUCKET, { history: 1 });
      await new Kvm(admin).create(SNAPSHOT_BUCKET, { history: 1 });
    });

    after(async () => {
      await Promise.all([...connections.values()].map((nc) => nc.close().catch(() => undefined)));
      await nats?.stop();
      await killAllTracked();
    });

    it('each cell is allowed or denied as specified', async () => {
      const wrong: string[] = [];
      let checked = 0;
      await Promise.all(
        IDENTITIES.map(async (identity) => {
          const nc = connections.get(identity)!;
          for (const cell of CELLS) {
            const actual: Verdict = cell.op === 'publish' ? await probePublish(nc, cell.subject, cell.body) : await probeSubscribe(nc, cell.subject);
            const expected: Verdict = cell.expected(identity) ? 'allowed' : 'denied';
            checked++;
            if (actual !== expected) wrong.push(`${identity} ${cell.op} ${cell.subject}: ${actual}, expected ${expected}`);
          }
        }),
      );
      assert.equal(checked, IDENTITIES.length * CELLS.length);
      assert.deepEqual(wrong, [], `${wrong.length} of ${checked} cells differ:\n${wrong.join('\n')}`);
    });

    it('only the policy (alone or inside all-in-one) may append a decision; a forged one from the operator is refused and not stored', async () => {
      const forged = restartDecision('web');
      const jsm = await jetstreamManager(connections.get('operator')!);
      const decisionsStored = async () => (await jsm.streams.info(S, { subjects_filter: EVENT_CATALOG.RemediationDecided.subject })).state.subjects?.[EVENT_CATALOG.RemediationDecided.subject] ?? 0;
      const before = await decisionsStored();
      for (const identity of IDENTITIES) {
        const refused = await jetstream(connections.get(identity)!)
          .publish(EVENT_CATALOG.RemediationDecided.subject, JSON.stringify(forged), { msgID: `${forged.id}-${identity}`, timeout: 5_000 })
          .then(() => false, (error: unknown) => isPermissionViolation(error));
        assert.equal(refused, !['policy', 'jarvis'].includes(identity), identity);
      }
      const stored = await jsm.streams.getMessage(S, { last_by_subj: EVENT_CATALOG.RemediationDecided.subject });
      assert.ok(stored, 'the policy identities stored theirs');
      assert.match(stored.json<{ id: string }>().id, new RegExp(forged.id));
      assert.equal(await decisionsStored(), before + 2, 'exactly the policy and all-in-one appends were stored');
      assert.ok(nats.violations().some((line) => /"operator"/.test(line) && line.includes(EVENT_CATALOG.RemediationDecided.subject)), nats.violations().join('\n'));
    });

    it('the event stream Jarvis created denies deletes and purges by its own flags, and the operator can read it', async () => {
      const info = await (await jetstreamManager(connections.get('operator')!)).streams.info(S);
      assert.equal(info.config.deny_delete, true);
      assert.equal(info.config.deny_purge, true);
    });
  });

  it('the stream flags hold even for a client with every right (a server without identities)', async () => {
    const nats = await startNats();
    const nc = await connect({ servers: [nats.url] });
    try {
      const log = await JetStreamEventLog.open(nc);
      const jsm = await jetstreamManager(nc);
      const stored = await jetstream(nc).publish(EVENT_CATALOG.DetectionRecorded.subject, 'x');
      await assert.rejects(jsm.streams.purge(S), /purge not permitted|10110/i);
      await assert.rejects(jsm.streams.deleteMessage(S, stored.seq), /not permitted|10057/i);
      await assert.rejects(jsm.streams.update(S, { ...(await jsm.streams.info(S)).config, deny_purge: false }), /can not cancel deny purge/);
      assert.deepEqual(log.hardeningGaps, []);
      assert.equal((await jsm.streams.info(S)).state.messages, 1);
    } finally {
      await nc.close();
      await nats.stop();
      await killAllTracked();
    }
  });
});
