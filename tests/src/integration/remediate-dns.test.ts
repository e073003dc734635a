import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DdclientConfig, DnsRecordConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import { DdclientCacheAddresses, FilesystemDdclientPort } from '@jarvis/ddclient';
import { ResolverDnsQuery } from '@jarvis/dns-probe';
import { DnsRecordProbe, RemediateDns, RemediateDnsParams } from '@jarvis/registry';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { killAllTracked, waitFor } from '../support/processes.js';

/** The lab's resolver keeps an NXDOMAIN for 10 s (tests/lab/resolver.conf.template): verification must outlast it. */
const STALE_RESOLVER_BOUND_MS = 30_000;

describe('infrastructure_remediate_dns against the edge lab: republish through ddclient, or wait out a stale resolver', { timeout: 240_000 }, () => {
  let lab: EdgeLab;
  let host: string;
  let ddclient: DdclientConfig;
  let record: DnsRecordConfig;

  function remediateDns(records: DnsRecordConfig[]): RemediateDns {
    const dns = new ResolverDnsQuery();
    const pushed = new DdclientCacheAddresses(ddclient);
    return new RemediateDns(records, ddclient, (watched, signal) => new DnsRecordProbe(watched, dns, pushed).run(signal), new FilesystemDdclientPort());
  }

  async function verifiedWithin(action: RemediateDns, name: string): Promise<string> {
    return waitFor(`${name} verified`, async () => {
      const verdict = await action.verify(targetOf('dns_record', name));
      return verdict.kind === 'passed' ? verdict.evidence : undefined;
    }, STALE_RESOLVER_BOUND_MS, 500);
  }

  before(async () => {
    lab = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-remediate-dns-')), labels: ['www', 'blog'] });
    host = lab.hosts[0]!;
    ddclient = Object.assign(new DdclientConfig(), { name: 'lab', config: lab.paths.ddclientConf, cache: lab.paths.ddclientCache, log: join(lab.paths.dir, 'ddclient.log'), runTimeoutSeconds: 30 });
    writeFileSync(ddclient.log!, '');
    record = Object.assign(new DnsRecordConfig(), {
      domain: host,
      expectedFrom: 'ddclient',
      authoritative: [`127.0.0.1:${lab.ports.dns}`],
      resolvers: [`127.0.0.1:${lab.ports.resolver}`],
      timeoutMs: 1000,
      tries: 1,
    });
    const first = await lab.runDdclient();
    assert.equal(first.exitCode, 0, first.output);
  });

  after(async () => {
    await lab?.stop();
    await killAllTracked();
  });

  it('given the record deleted from the zone after ddclient published it, then the action republishes it with ddclient -force and its verify passes', async () => {
    await lab.deleteRecord(host);
    assert.equal((await lab.dig(host)).status, 'NXDOMAIN');
    const action = remediateDns([record]);
    const target = targetOf('dns_record', host);
    assert.deepEqual(await action.reobserve(target), { kind: 'fault_holds' });

    const outcome = await action.execute(target, new RemediateDnsParams(), AbortSignal.timeout(action.deadlineMs));

    assert.match(outcome.result, /^republished through ddclient -force \(.*www\.lab\.jarvis\.test.*\)$/, outcome.result);
    assert.deepEqual(await lab.dig(host), { status: 'NOERROR', answers: ['127.0.0.1'] });
    assert.match(await verifiedWithin(action, host), /resolves as expected/);
    assert.equal((await action.reobserve(target)).kind, 'superseded', 'a second decision would find it fixed');
  });

  it('given a resolver still holding an NXDOMAIN while the zone has the record, then the action republishes nothing, says so, and verify passes once the cache expires', async () => {
    await lab.deleteRecord(host);
    // Its cached answer from the test before lives 5 s; then it asks the zone again and caches the absence.
    await waitFor('the resolver to cache the absence', async () => (await lab.dig(host, 'A', 'resolver')).status === 'NXDOMAIN', STALE_RESOLVER_BOUND_MS, 500);
    const republished = await lab.runDdclient({ force: true });
    assert.equal(republished.exitCode, 0, republished.output);
    const action = remediateDns([record]);

    const outcome = await action.execute(targetOf('dns_record', host), new RemediateDnsParams(), AbortSignal.timeout(action.deadlineMs));

    assert.match(outcome.result, new RegExp(`^the authoritative servers hold the right answer; 127\\.0\\.0\\.1:${lab.ports.resolver} still answer from their cache`), outcome.result);
    assert.deepEqual(outcome.details, { staleResolvers: 1 });
    assert.match(await verifiedWithin(action, host), /resolves as expected/);
  });

  it('given a record nobody publishes missing from the zone, then the action fails naming the server and runs no ddclient', async () => {
    const blog = lab.hosts[1]!;
    await lab.deleteRecord(blog);
    const unpublished = Object.assign(new DnsRecordConfig(), { ...record, domain: blog, expectedFrom: undefined, expectedAddresses: ['127.0.0.1'] });
    const action = remediateDns([record, unpublished]);

    await assert.rejects(
      action.execute(targetOf('dns_record', blog), new RemediateDnsParams(), AbortSignal.timeout(action.deadlineMs)),
      new RegExp(`^Error: the zone does not hold the record \\(127\\.0\\.0\\.1:${lab.ports.dns} .*NXDOMAIN.*\\) and no ddclient publishes it$`, 'i'),
    );
    assert.equal((await lab.dig(blog)).status, 'NXDOMAIN', 'nothing republished it');
  });
});
