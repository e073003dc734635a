import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalCaddy } from '@jarvis/caddy';
import { CaddyConfig, DdclientConfig, DnsRecordConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import { DdclientCacheAddresses, FilesystemDdclientPort } from '@jarvis/ddclient';
import { ResolverDnsQuery } from '@jarvis/dns-probe';
import { DnsRecordProbe, FixDdclient, FixDdclientParams, judgeDdclient, RemediateDns, RemediateSsl, RemediateSslParams } from '@jarvis/registry';
import { NetworkTlsProbe } from '@jarvis/tls-probe';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { tlsHandshake } from '../lab/tls-handshake.js';
import { killAllTracked, waitFor } from '../support/processes.js';

/** Well under Caddy's own first retry (a minute after a failed order): a certificate by then is the action's doing. */
const ISSUANCE_BOUND_MS = 30_000;

function secretOf(keyFile: string): string {
  return /secret "([^"]+)"/.exec(readFileSync(keyFile, 'utf8'))![1]!;
}

/** Caddy's log lines saying an order failed and will be retried. */
function failedOrders(lab: EdgeLab): number {
  return lab.processes.caddy.log().split('\n').filter((line) => line.includes('will retry')).length;
}

describe('edge remediations against the edge lab: a forced ddclient update, then a Caddy certificate retry', { timeout: 300_000 }, () => {
  let lab: EdgeLab;
  let host: string;
  let ddclient: DdclientConfig;
  let port: FilesystemDdclientPort;
  let fix: FixDdclient;
  let remediateDns: RemediateDns;
  const labDdclient = targetOf('ddclient', 'lab');
  const labRecord = () => targetOf('dns_record', host);

  /** What ddclient's own scheduled run would leave in the log the check reads. */
  async function scheduledRun(): Promise<string> {
    const run = await lab.runDdclient();
    writeFileSync(ddclient.log!, `${readFileSync(ddclient.log!, 'utf8')}${run.output}\n`);
    return run.output;
  }

  async function ddclientCheck() {
    return judgeDdclient(await port.inspect(ddclient));
  }

  before(async () => {
    lab = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-edge-remediations-')) });
    host = lab.hosts[0]!;
    ddclient = Object.assign(new DdclientConfig(), { name: 'lab', config: lab.paths.ddclientConf, cache: lab.paths.ddclientCache, log: join(lab.paths.dir, 'ddclient.log'), runTimeoutSeconds: 30 });
    writeFileSync(ddclient.log!, '');
    port = new FilesystemDdclientPort();
    fix = new FixDdclient(ddclient, port);
    const records = [Object.assign(new DnsRecordConfig(), { domain: host, expectedFrom: 'ddclient', authoritative: [`127.0.0.1:${lab.ports.dns}`], timeoutMs: 1000, tries: 1 })];
    const dns = new ResolverDnsQuery();
    remediateDns = new RemediateDns(records, ddclient, (record, signal) => new DnsRecordProbe(record, dns, new DdclientCacheAddresses(ddclient)).run(signal), port);
  });

  after(async () => {
    await lab?.stop();
    await killAllTracked();
  });

  it('given a mistyped secret, then infrastructure_fix_ddclient fails naming BADSIG, publishes nothing and leaks no secret', async () => {
    const secrets = [secretOf(lab.paths.ddclientKey), secretOf(lab.paths.ddclientTypoKey), secretOf(lab.paths.tsigKey)];
    lab.breakSecret();
    await scheduledRun();
    assert.equal((await ddclientCheck()).status, 'failed');
    assert.deepEqual(await fix.reobserve(labDdclient), { kind: 'fault_holds' });
    const logBefore = readFileSync(ddclient.log!, 'utf8');
    const failure = await fix.execute(labDdclient, new FixDdclientParams(), AbortSignal.timeout(fix.deadlineMs)).then(
      () => assert.fail('a wrong secret cannot be fixed by a forced update'),
      (error: Error) => error.message,
    );
    assert.match(failure, new RegExp(`did not publish ${host.replace(/\./g, '\\.')} failed: .*NOTAUTH\\(BADSIG\\)`));
    const appended = readFileSync(ddclient.log!, 'utf8').slice(logBefore.length);
    assert.match(appended, /NOTAUTH\(BADSIG\)/, 'the forced run is in the log the check reads');
    for (const secret of secrets) {
      assert.ok(!failure.includes(secret), 'the failure holds a secret');
      assert.ok(!appended.includes(secret), 'the appended log holds a secret');
    }
    const verdict = await fix.verify(labDdclient);
    assert.equal(verdict.kind, 'failed');
    assert.match((verdict as { reason: string }).reason, /NOTAUTH\(BADSIG\)/);
    assert.equal(await fix.alreadyDone(labDdclient, new FixDdclientParams(), new Date(0)), false, 'a refused update leaves no publication in the cache');
    assert.equal(await remediateDns.alreadyDone(labRecord()), false, 'the record does not resolve');
    assert.deepEqual(await lab.dig(host), { status: 'NXDOMAIN', answers: [] });
  });

  it('given the secret fixed but ddclient skipping after its failure, then infrastructure_fix_ddclient publishes the record and its verify passes', async () => {
    // Caddy's first order must fail while the record is absent: once published, its order would simply succeed.
    await waitFor('Caddy to fail its first order', () => failedOrders(lab) >= 1, 60_000);
    lab.fixSecret();
    assert.match(await scheduledRun(), /Wait at least .* between update attempts/, 'ddclient skips the host on its own');
    assert.match((await ddclientCheck()).reason, /skipped/);
    assert.deepEqual(await lab.dig(host), { status: 'NXDOMAIN', answers: [] });
    assert.deepEqual(await fix.reobserve(labDdclient), { kind: 'fault_holds' });
    const decidedAt = new Date();
    assert.equal(await fix.alreadyDone(labDdclient, new FixDdclientParams(), decidedAt), false, 'nothing published yet');
    const done = await fix.execute(labDdclient, new FixDdclientParams(), AbortSignal.timeout(fix.deadlineMs));
    assert.equal(done.result, `ddclient -force updated ${host}`);
    assert.equal(await fix.alreadyDone(labDdclient, new FixDdclientParams(), decidedAt), true, 'the forced update is in ddclient\'s cache');
    assert.equal(await fix.alreadyDone(labDdclient, new FixDdclientParams(), new Date(Date.now() + 2000)), false, 'not a publication after a later decision');
    assert.equal(await remediateDns.alreadyDone(labRecord()), true, 'the record resolves to what ddclient published');
    assert.deepEqual(await lab.dig(host), { status: 'NOERROR', answers: ['127.0.0.1'] });
    const verdict = await fix.verify(labDdclient);
    assert.equal(verdict.kind, 'passed', JSON.stringify(verdict));
  });

  it('given the record published and Caddy waiting out a failed order, then infrastructure_remediate_ssl gets the certificate at once and its verify passes', async () => {
    assert.ok(failedOrders(lab) >= 1, 'Caddy is waiting out a failed order');
    const root = await lab.pebbleRoot();
    const caFile = join(lab.paths.dir, 'pebble-root.pem');
    writeFileSync(caFile, root);
    const edge = Object.assign(new CaddyConfig(), { name: 'edge', adminPort: lab.ports.caddyAdmin, caddyfile: lab.paths.caddyfile, httpsPort: lab.ports.https, caFile, timeoutMs: 5000 });
    const retry = new RemediateSsl([edge], new LocalCaddy({ caddyfileDirs: [lab.paths.dir] }), new NetworkTlsProbe({ caFileDirs: [lab.paths.dir] }));
    const target = targetOf('caddy', 'edge');
    assert.deepEqual(await retry.reobserve(target), { kind: 'fault_holds' });
    assert.equal(await retry.alreadyDone(target), false, 'no certificate yet');
    const done = await retry.execute(target, new RemediateSslParams(), AbortSignal.timeout(retry.deadlineMs));
    assert.match(done.result, /must-revalidate/);
    const verdict = await waitFor('the certificates check to pass', async () => {
      const attempt = await retry.verify(target);
      return attempt.kind === 'pending' ? undefined : attempt;
    }, ISSUANCE_BOUND_MS, 500);
    assert.equal(verdict.kind, 'passed', JSON.stringify(verdict));
    assert.equal(await retry.alreadyDone(target), true, 'Caddy serves a trusted certificate');
    const handshake = await tlsHandshake(lab.ports.https, host, root);
    assert.ok(handshake.ok && handshake.authorized, JSON.stringify(handshake));
    assert.match(handshake.issuer, /^Pebble Intermediate CA/);
  });
});
