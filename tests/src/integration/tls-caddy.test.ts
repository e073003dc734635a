import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileRefused, LocalCaddy } from '@jarvis/caddy';
import { CaddyConfig, JarvisConfig, TlsConfig, TlsEndpointConfig } from '@jarvis/config';
import { caddyKind, judgeCertificate, tlsCertificateKind, type ScheduledProbe, type TlsReading } from '@jarvis/registry';
import { NetworkTlsProbe } from '@jarvis/tls-probe';
import { CADDY, startCaddy, type CaddyHarness } from '../support/caddy-harness.js';
import { startHttpServer, type LoopbackHttpServer } from '../support/loopback-http.js';
import { freePort, killAllTracked, waitFor } from '../support/processes.js';
import { selfSignedLeaf, TestCa, type CertificateFiles } from '../support/test-ca.js';

const THRESHOLDS = { warnDays: 21, criticalDays: 7 };
const STEP_MS = 5000;

type Ports = { admin: number; http: number; https: number; upstreamDown: number; closedAcme: number; closed: number };

/**
 * The sites of the lab Caddy: one certificate problem each. ACME goes to a closed loopback port, so the site
 * without a certificate never gets one and nothing leaves the machine.
 */
function caddyfileText(dir: string, ports: Ports, upstreamUp: number, certs: Record<'www' | 'soon' | 'old' | 'selfsigned' | 'chained', CertificateFiles>): string {
  const site = (host: string, tls: string, body: string) => `${host} {\n\tbind 127.0.0.1\n\t${tls}\n\t${body}\n}\n`;
  const files = ({ certFile, keyFile }: CertificateFiles) => `tls ${certFile} ${keyFile}`;
  return [
    '{',
    `\tadmin 127.0.0.1:${ports.admin}`,
    `\thttp_port ${ports.http}`,
    `\thttps_port ${ports.https}`,
    `\tacme_ca https://127.0.0.1:${ports.closedAcme}/directory`,
    '\tskip_install_trust',
    '\tocsp_stapling off',
    `\tstorage file_system {\n\t\troot ${join(dir, 'storage')}\n\t}`,
    '}',
    site('www.lab.test', files(certs.www), `reverse_proxy 127.0.0.1:${upstreamUp} 127.0.0.1:${ports.upstreamDown}`),
    site('mismatch.lab.test', files(certs.www), 'respond "served the www certificate"'),
    site('soon.lab.test', files(certs.soon), 'respond "soon"'),
    site('old.lab.test', files(certs.old), 'respond "old"'),
    site('selfsigned.lab.test', files(certs.selfsigned), 'respond "selfsigned"'),
    site('chained.lab.test', files(certs.chained), 'respond "chained"'),
    site('internal.lab.test', 'tls internal', 'respond "internal"'),
    site('nocert.lab.test', '', 'respond "nocert"'),
  ].join('\n');
}

describe('TLS certificates and Caddy checks against a real Caddy 2.6 on loopback', { timeout: 180_000 }, () => {
  let dir: string;
  let ca: TestCa;
  let ports: Ports;
  let upstream: LoopbackHttpServer;
  let caddy: CaddyHarness;
  let tls: NetworkTlsProbe;
  let caddyPort: LocalCaddy;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-tls-caddy-'));
    mkdirSync(join(dir, 'ca'));
    ca = await TestCa.create(join(dir, 'ca'), 'Jarvis Test CA');
    const [www, soon, old, selfsigned, chainedLeaf] = await Promise.all([
      ca.issue('www.lab.test', { days: 30 }),
      ca.issue('soon.lab.test', { days: 10 }),
      ca.issue('old.lab.test', { start: '20200101000000Z', end: '20200201000000Z' }),
      selfSignedLeaf(join(dir, 'ca'), 'selfsigned.lab.test'),
      ca.issue('chained.lab.test', { days: 30 }),
    ]);
    // A server that sends its CA along with the leaf: the chain is complete but ends at an untrusted root.
    const chained = { ...chainedLeaf, certFile: join(dir, 'ca', 'chained-with-ca.crt') };
    writeFileSync(chained.certFile, readFileSync(chainedLeaf.certFile, 'utf8') + readFileSync(ca.certFile, 'utf8'));
    upstream = await startHttpServer((_req, res) => res.end('upstream'));
    ports = { admin: await freePort(), http: await freePort(), https: await freePort(), upstreamDown: await freePort(), closedAcme: await freePort(), closed: await freePort() };
    caddy = await startCaddy(dir, caddyfileText(dir, ports, upstream.port, { www, soon, old, selfsigned, chained }), ports.admin);
    tls = new NetworkTlsProbe({ caFileDirs: [dir] });
    caddyPort = new LocalCaddy({ caddyfileDirs: [dir] });
    // Caddy issues the `tls internal` certificate in the background, just after it starts.
    await waitFor('the tls internal certificate', async () => (await shake('internal.lab.test')).kind === 'presented', 20_000, 200);
  });

  after(async () => {
    await caddy?.stop();
    await upstream?.stop();
    await killAllTracked();
    rmSync(dir, { recursive: true, force: true });
  });

  function shake(servername: string, change: { caFile?: string; port?: number } = {}): Promise<TlsReading> {
    return tls.handshake({ servername, address: '127.0.0.1', port: change.port ?? ports.https, caFile: change.caFile, timeoutMs: STEP_MS }, AbortSignal.timeout(STEP_MS + 1000));
  }

  async function judge(servername: string, change: { caFile?: string; port?: number } = {}) {
    return judgeCertificate(await shake(servername, change), THRESHOLDS);
  }

  function caddyInstance(change: Partial<CaddyConfig> = {}): CaddyConfig {
    return Object.assign(new CaddyConfig(), {
      name: 'edge',
      adminPort: ports.admin,
      caddyfile: caddy.caddyfile,
      binary: CADDY,
      httpsPort: ports.https,
      caFile: ca.certFile,
      timeoutMs: STEP_MS,
      ...change,
    });
  }

  async function runCheck(instance: CaddyConfig, check: string): Promise<{ status: string; reason: string }> {
    const config = Object.assign(new JarvisConfig(), { caddy: [instance] });
    const probe = caddyKind(config)
      .createProbes!({ caddy: caddyPort, tls, restarts: undefined! })
      .find((p: ScheduledProbe) => p.check === check);
    assert.ok(probe, `no probe for ${check}`);
    return probe.run(AbortSignal.timeout(probe.timeoutMs));
  }

  describe('a certificate from the test CA', () => {
    it('is trusted against the CA bundle, with its issuer and days left in the evidence', async () => {
      const judgement = await judge('www.lab.test', { caFile: ca.certFile });
      assert.deepEqual([judgement.status, judgement.severity, judgement.problems], ['ok', 'ok', []], judgement.reason);
      assert.match(judgement.reason, /^subject CN=www\.lab\.test, issuer CN=Jarvis Test CA, trusted through CN=Jarvis Test CA, valid until \S+ \(29 days left\)$/);
    });

    it('is untrusted without the CA bundle (the system CAs only)', async () => {
      const judgement = await judge('www.lab.test');
      assert.deepEqual([judgement.status, judgement.problems], ['failed', ['untrusted']]);
      assert.match(judgement.reason, /^critical: untrusted chain: the issuer CN=Jarvis Test CA was not presented and is not a trusted CA; subject CN=www\.lab\.test, issuer CN=Jarvis Test CA,/);
    });

    it('sent with its CA, is trusted against the bundle and untrusted without it: the chain ends at a self-signed root', async () => {
      assert.deepEqual((await judge('chained.lab.test', { caFile: ca.certFile })).problems, []);
      const judgement = await judge('chained.lab.test');
      assert.deepEqual([judgement.status, judgement.problems], ['failed', ['untrusted']]);
      assert.match(judgement.reason, /^critical: untrusted chain: the chain ends at the self-signed CN=Jarvis Test CA, not a trusted CA; subject CN=chained\.lab\.test/);
    });

    it('is a hostname mismatch when served for another SNI name', async () => {
      const judgement = await judge('mismatch.lab.test', { caFile: ca.certFile });
      assert.deepEqual([judgement.status, judgement.problems], ['failed', ['hostname_mismatch']]);
      assert.match(judgement.reason, /^critical: hostname mismatch: Hostname\/IP does not match certificate's altnames: Host: mismatch\.lab\.test\. is not in the cert's altnames: DNS:www\.lab\.test;/);
    });

    it('is critical once expired', async () => {
      const judgement = await judge('old.lab.test', { caFile: ca.certFile });
      assert.deepEqual([judgement.status, judgement.severity, judgement.problems], ['failed', 'critical', ['expired']]);
      assert.match(judgement.reason, /^critical: expired on 2020-02-01T00:00:00\.000Z; subject CN=old\.lab\.test, issuer CN=Jarvis Test CA/);
    });

    it('is a warning with 10 days left (warning under 21, critical under 7)', async () => {
      const judgement = await judge('soon.lab.test', { caFile: ca.certFile });
      assert.deepEqual([judgement.status, judgement.severity, judgement.problems, judgement.daysLeft], ['failed', 'warning', ['expires_soon'], 9]);
      assert.match(judgement.reason, /^warning: expires in 9 days \(warning under 21\); subject CN=soon\.lab\.test, issuer CN=Jarvis Test CA/);
    });
  });

  describe('sites without a certificate from a trusted CA', () => {
    it('a site whose certificate cannot be obtained ends the handshake: no certificate', async () => {
      const judgement = await judge('nocert.lab.test', { caFile: ca.certFile });
      assert.deepEqual([judgement.status, judgement.problems], ['failed', ['no_certificate']]);
      assert.match(judgement.reason, new RegExp(`^no certificate: 127\\.0\\.0\\.1:${ports.https} ended the handshake for nocert\\.lab\\.test \\(ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR\\)$`));
    });

    it('a self-signed certificate is named as such', async () => {
      const judgement = await judge('selfsigned.lab.test', { caFile: ca.certFile });
      assert.deepEqual([judgement.status, judgement.problems], ['failed', ['self_signed']]);
      assert.match(judgement.reason, /issuer CN=selfsigned\.lab\.test/);
    });

    it("`tls internal` is Caddy's own CA: untrusted against the configured bundle", async () => {
      const judgement = await judge('internal.lab.test', { caFile: ca.certFile });
      // Caddy's internal leaves live 12 hours, so they are always close to expiry as well.
      assert.deepEqual([judgement.status, judgement.problems], ['failed', ['untrusted', 'expires_soon']]);
      assert.match(judgement.reason, /^critical: untrusted chain: the issuer CN=Caddy Local Authority - \d+ ECC Root was not presented and is not a trusted CA; expires in 0 days/);
    });

    it('a port nobody listens on is unreachable', async () => {
      const judgement = await judge('www.lab.test', { port: ports.closed });
      assert.deepEqual([judgement.problems, judgement.reason], [['unreachable'], `unreachable: 127.0.0.1:${ports.closed}: ECONNREFUSED`]);
    });

    it('a CA file outside the allowed folders is refused, not read', async () => {
      await assert.rejects(shake('www.lab.test', { caFile: '/etc/hostname' }), /caFile \/etc\/hostname: outside the folders allowed for CA files/);
    });
  });

  describe('the tls_certificate kind', () => {
    it('probes each configured endpoint with SNI at its configured address', async () => {
      const endpoint = (name: string, host: string) => Object.assign(new TlsEndpointConfig(), { name, host, address: '127.0.0.1', port: ports.https, caFile: ca.certFile, timeoutMs: STEP_MS });
      const config = Object.assign(new JarvisConfig(), { tls: Object.assign(new TlsConfig(), { endpoints: [endpoint('www', 'www.lab.test'), endpoint('old', 'old.lab.test')] }) });
      const probes = tlsCertificateKind(config).createProbes!({ tls });
      const findings = await Promise.all(probes.map(async (probe) => [probe.target.id, (await probe.run(AbortSignal.timeout(probe.timeoutMs))).status]));
      assert.deepEqual(findings, [
        ['www', 'ok'],
        ['old', 'failed'],
      ]);
    });
  });

  describe('the caddy kind', () => {
    it('finds the admin API reachable and a config loaded', async () => {
      assert.deepEqual(await runCheck(caddyInstance(), 'caddy_admin_api'), { status: 'ok', reason: `admin API at 127.0.0.1:${ports.admin} answered HTTP 200` });
      assert.deepEqual(await runCheck(caddyInstance(), 'caddy_config_loaded'), { status: 'ok', reason: `1 HTTP server(s) loaded: srv0 (127.0.0.1:${ports.https})` });
    });

    it('finds the admin API unreachable when nothing listens on the configured port', async () => {
      const closed = caddyInstance({ adminPort: ports.closed });
      assert.deepEqual(await runCheck(closed, 'caddy_admin_api'), { status: 'failed', reason: `admin API unreachable at 127.0.0.1:${ports.closed}: ECONNREFUSED` });
      assert.equal((await runCheck(closed, 'caddy_config_loaded')).status, 'failed');
      assert.match((await runCheck(closed, 'caddy_upstreams')).reason, /^cannot read the upstreams: admin API unreachable/);
    });

    it('passes the Caddyfile Caddy runs, and fails a broken one naming the reason', async () => {
      assert.deepEqual(await runCheck(caddyInstance(), 'caddy_caddyfile_valid'), { status: 'ok', reason: `caddy validate: ${caddy.caddyfile} is valid` });
      const broken = join(dir, 'Caddyfile.broken');
      writeFileSync(broken, 'www.lab.test {\n\treverse_proxy {\n\t\tbogus_directive 1\n\t}\n}\n');
      const finding = await runCheck(caddyInstance({ caddyfile: broken }), 'caddy_caddyfile_valid');
      assert.equal(finding.status, 'failed');
      assert.match(finding.reason, /^caddy validate of \S+Caddyfile\.broken exited 1: adapting config using caddyfile: .*unrecognized subdirective bogus_directive$/);
    });

    it('refuses a Caddyfile outside the allowed folders without running caddy', async () => {
      await assert.rejects(runCheck(caddyInstance({ caddyfile: '/etc/hostname' }), 'caddy_caddyfile_valid'), (error: Error) => error instanceof FileRefused && /outside the allowed folders/.test(error.message));
    });

    it('finds the upstream that is down unhealthy, and names the one that is up as accepting connections', async () => {
      const finding = await runCheck(caddyInstance(), 'caddy_upstreams');
      assert.deepEqual(finding, { status: 'failed', reason: `1 of 2 upstream(s) unhealthy: 127.0.0.1:${ports.upstreamDown} down (ECONNREFUSED), 0 recent failure(s), 0 request(s) in flight` });
    });

    it('checks the certificate of every site in the Caddyfile and names each one not covered', async () => {
      const finding = await runCheck(caddyInstance(), 'caddy_certificates');
      assert.equal(finding.status, 'failed');
      const failing = [...finding.reason.matchAll(/(?:: | \| )([a-z]+\.lab\.test): /g)].map((match) => match[1]);
      assert.deepEqual(failing, ['internal.lab.test', 'mismatch.lab.test', 'nocert.lab.test', 'old.lab.test', 'selfsigned.lab.test', 'soon.lab.test'], finding.reason);
      assert.match(finding.reason, /^6 of 8 site\(s\) not covered by a valid certificate: /);
    });
  });
});
