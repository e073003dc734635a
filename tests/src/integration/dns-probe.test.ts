import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { DnsRecordConfig } from '@jarvis/config';
import { ResolverDnsQuery } from '@jarvis/dns-probe';
import { DnsRecordProbe, type DnsQuery } from '@jarvis/registry';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { freePort, killAllTracked, waitFor } from '../support/processes.js';

/** A UDP socket that reads every query and never answers: a hung DNS server. */
async function silentDnsServer(): Promise<{ server: string; received(): number; close(): void }> {
  const socket: Socket = createSocket('udp4');
  let received = 0;
  socket.on('message', () => (received += 1));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { server: `127.0.0.1:${socket.address().port}`, received: () => received, close: () => socket.close() };
}

describe('DNS probe against the edge lab\'s real named', { timeout: 180_000 }, () => {
  const dns = new ResolverDnsQuery();
  const signal = new AbortController().signal;
  let lab: EdgeLab;
  let named: string;
  let silent: Awaited<ReturnType<typeof silentDnsServer>>;
  const ask = (change: Partial<DnsQuery>) => dns.query({ server: named, name: lab.hosts[0]!, type: 'A', timeoutMs: 1000, tries: 2, ...change }, signal);

  before(async () => {
    lab = await startEdgeLab({ labels: ['www', 'blog'] });
    named = `127.0.0.1:${lab.ports.dns}`;
    silent = await silentDnsServer();
  });

  after(async () => {
    silent?.close();
    await lab?.stop();
    await killAllTracked();
  });

  it('an unpublished name is NXDOMAIN', async () => {
    assert.deepEqual(await ask({}), { outcome: 'nxdomain', addresses: [] });
  });

  it('a published name answers its address; a type it lacks is NODATA', async () => {
    const run = await lab.runDdclient();
    assert.equal(run.exitCode, 0, run.output);
    assert.deepEqual(await ask({}), { outcome: 'answer', addresses: ['127.0.0.1'] });
    assert.deepEqual(await ask({ type: 'AAAA' }), { outcome: 'nodata', addresses: [] });
  });

  it('a name outside the zone is REFUSED (named is authoritative only)', async () => {
    assert.deepEqual(await ask({ name: 'www.example.org' }), { outcome: 'refused', addresses: [] });
  });

  it('a server that never answers is a timeout within timeoutMs × tries', async () => {
    const reply = await ask({ server: silent.server, timeoutMs: 300, tries: 2 });
    assert.deepEqual(reply, { outcome: 'timeout', addresses: [], detail: 'no answer within 600 ms, 2 tries' });
    assert.ok(silent.received() >= 1, 'the query reached the silent server');
  });

  it('a port nothing listens on is an error naming it', async () => {
    const reply = await ask({ server: `127.0.0.1:${await freePort()}` });
    assert.deepEqual(reply, { outcome: 'error', addresses: [], detail: 'ECONNREFUSED: nothing listens on that port' });
  });

  it('the probe judges the real answers: as expected, wrong address, NXDOMAIN, timeout', async () => {
    const record = (change: Partial<DnsRecordConfig>) =>
      Object.assign(new DnsRecordConfig(), { domain: lab.hosts[0]!, expectedAddresses: ['127.0.0.1'], authoritative: [named], timeoutMs: 500, tries: 1 }, change);
    const ok = await new DnsRecordProbe(record({}), dns, undefined).run(signal);
    assert.equal(ok.status, 'ok', ok.reason);
    assert.equal(ok.reason, `www.lab.jarvis.test resolves as expected (expected 127.0.0.1); answers: authoritative ${named} A 127.0.0.1`);

    const wrong = await new DnsRecordProbe(record({ expectedAddresses: ['192.0.2.10'] }), dns, undefined).run(signal);
    assert.deepEqual(wrong.problems.map((p) => p.kind), ['wrong_address']);

    const missing = await new DnsRecordProbe(record({ domain: `gone.${lab.zone}` }), dns, undefined).run(signal);
    assert.equal(missing.reason, `gone.lab.jarvis.test: NXDOMAIN for A at authoritative ${named} (expected 127.0.0.1); answers: authoritative ${named} A NXDOMAIN`);

    const silentResolver = await new DnsRecordProbe(record({ resolvers: [silent.server] }), dns, undefined).run(signal);
    assert.deepEqual(silentResolver.problems.map((p) => [p.kind, p.role, p.server]), [['timeout', 'resolver', silent.server]]);
  });

  it('through the lab\'s caching resolver: drift while it still serves a deleted record, propagation while it still caches NXDOMAIN, then agreement', async () => {
    const host = lab.hosts[1]!;
    const resolver = `127.0.0.1:${lab.ports.resolver}`;
    const probe = new DnsRecordProbe(
      Object.assign(new DnsRecordConfig(), { domain: host, expectedAddresses: ['127.0.0.1'], authoritative: [named], resolvers: [resolver], timeoutMs: 1000, tries: 1 }),
      dns,
      undefined,
    );
    const kinds = async () => (await probe.run(signal)).problems.map((p) => `${p.kind} ${p.role}`);
    assert.deepEqual(await lab.dig(host, 'A', 'resolver'), { status: 'NOERROR', answers: ['127.0.0.1'] }, 'the resolver now caches the address');

    await lab.deleteRecord(host);
    assert.deepEqual(await kinds(), ['nxdomain authoritative', 'drift resolver']);

    await waitFor('the resolver to cache NXDOMAIN', async () => (await lab.dig(host, 'A', 'resolver')).status === 'NXDOMAIN', 30_000, 200);
    const run = await lab.runDdclient({ force: true });
    assert.equal(run.exitCode, 0, run.output);
    assert.deepEqual(await kinds(), ['propagation resolver']);
    await waitFor('the resolver to catch up', async () => (await probe.run(signal)).status === 'ok', 30_000, 500);
  });
});
