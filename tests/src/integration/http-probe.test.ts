import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { connectPinned, probeHttpEndpoint, type HostResolver, type HttpConnector, type HttpProbeSpec, type PinnedRequest } from '@jarvis/http-probe';
import { makeSelfSignedCertificate, startHttpServer, startRawTcpServer, type LoopbackHttpServer, type TlsFiles } from '../support/loopback-http.js';
import { waitFor } from '../support/processes.js';

const BASE: Omit<HttpProbeSpec, 'url'> = { method: 'GET', expectStatus: ['200-399'], maxLatencyMs: 2000, tlsVerify: true, timeoutMs: 5000, allowLinkLocal: false };

const spec = (url: string, change: Partial<HttpProbeSpec> = {}): HttpProbeSpec => ({ ...BASE, url, ...change });

/**
 * The real connect step, for loopback addresses only: whatever the probe's guard does, this test sends nothing
 * past the loopback interface. It records every address the probe asked it to reach.
 */
function loopbackOnly(): HttpConnector & { given: PinnedRequest[] } {
  const given: PinnedRequest[] = [];
  const connect: HttpConnector = (request, signal) => {
    given.push(request);
    const elsewhere = request.addresses.find(({ address }) => !address.startsWith('127.') && address !== '::1');
    if (elsewhere) return Promise.reject(new Error(`test refused to connect to ${elsewhere.address}`));
    return connectPinned(request, signal);
  };
  return Object.assign(connect, { given });
}

/** A resolver for names that exist only in this test, recording each question. */
function fakeDns(answers: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    asked.push(hostname);
    return (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('HTTP probe against real servers on loopback', { timeout: 120_000 }, () => {
  const servers: Array<{ stop(): Promise<void> }> = [];
  let dir: string;
  let tlsFiles: TlsFiles;

  async function serve(handler: Parameters<typeof startHttpServer>[0], options: Parameters<typeof startHttpServer>[1] = {}): Promise<LoopbackHttpServer> {
    const server = await startHttpServer(handler, options);
    servers.push(server);
    return server;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-http-probe-'));
    mkdirSync(join(dir, 'ca'));
    tlsFiles = await makeSelfSignedCertificate(join(dir, 'ca'), ['status.lab.test']);
  });

  after(async () => {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a 200 with what the body must say, in time', async () => {
    const server = await serve((_req, res) => res.end(JSON.stringify({ status: 'ready', checks: { db: { state: 'up' } } })));
    const result = await probeHttpEndpoint(spec(`${server.origin}/health`, { bodyContains: 'ready', jsonField: { path: 'checks.db.state', equals: 'up' } }));
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.failure, null);
    assert.equal(result.status, 200);
    assert.equal(result.reason, `HTTP 200 in ${result.latencyMs} ms`);
    assert.equal(result.evidence, `GET ${server.origin}/health via 127.0.0.1:${server.port}: HTTP 200, 49 bytes in ${result.latencyMs} ms`);
    assert.deepEqual(server.seen, [{ method: 'GET', url: '/health', host: `127.0.0.1:${server.port}` }]);
  });

  it('fails a status outside the expected ones', async () => {
    const server = await serve((_req, res) => ((res.statusCode = 503), res.end('maintenance')));
    const result = await probeHttpEndpoint(spec(`${server.origin}/`));
    assert.deepEqual([result.ok, result.failure, result.status, result.reason], [false, 'status', 503, 'HTTP 503 (expected 200-399)']);
    const only204 = await probeHttpEndpoint(spec(`${server.origin}/`, { expectStatus: [204, '500-502'] }));
    assert.equal(only204.reason, 'HTTP 503 (expected 204, 500-502)');
  });

  it('fails a slow answer over the latency limit', async () => {
    const server = await serve((_req, res) => void sleep(400).then(() => res.end('ok')));
    const result = await probeHttpEndpoint(spec(`${server.origin}/`, { maxLatencyMs: 100 }));
    assert.equal(result.failure, 'latency');
    assert.equal(result.status, 200);
    assert.ok(result.latencyMs >= 400, `${result.latencyMs}`);
    assert.equal(result.reason, `latency ${result.latencyMs} ms over the 100 ms limit`);
  });

  it('ends at its timeout on a server that accepts and never answers, and closes its connection', async () => {
    const silent = await startRawTcpServer();
    servers.push(silent);
    const result = await probeHttpEndpoint(spec(`http://127.0.0.1:${silent.port}/`, { timeoutMs: 300, maxLatencyMs: 300 }));
    assert.deepEqual([result.ok, result.failure, result.status, result.reason], [false, 'timeout', null, 'no answer within 300 ms']);
    assert.equal(silent.accepted, 1);
    await waitFor('the probe to close its connection', () => silent.openSockets() === 0, 5000, 20);
  });

  it('ends at its timeout when the head came but the body never ends', async () => {
    const server = await serve((_req, res) => (res.writeHead(200, { 'content-length': '100' }), res.write('partial')));
    const result = await probeHttpEndpoint(spec(`${server.origin}/`, { timeoutMs: 300, maxLatencyMs: 300 }));
    assert.deepEqual([result.failure, result.status, result.reason], ['timeout', 200, 'HTTP 200 but the body did not end within 300 ms']);
  });

  it('fails a body without the keyword and a JSON field with another value', async () => {
    const server = await serve((_req, res) => res.end('{"status":"starting","version":"2.1"}'));
    const keyword = await probeHttpEndpoint(spec(`${server.origin}/`, { bodyContains: 'ready' }));
    assert.deepEqual([keyword.failure, keyword.reason], ['body', 'body lacks "ready"']);
    const field = await probeHttpEndpoint(spec(`${server.origin}/`, { jsonField: { path: 'status', equals: 'ready' } }));
    assert.deepEqual([field.failure, field.reason], ['json', 'JSON field status is "starting", expected "ready"']);
    const passing = await probeHttpEndpoint(spec(`${server.origin}/`, { bodyContains: '"version"', jsonField: { path: 'version', equals: '2.1' } }));
    assert.equal(passing.ok, true, passing.reason);
  });

  it('reads at most 64 KiB of an endless body and hangs up on it', async () => {
    const MiB = Buffer.alloc(1024 * 1024, 'a');
    const LIMIT = 512;
    let written = 0;
    let closed = false;
    const server = await serve((_req, res) => {
      res.on('close', () => (closed = true));
      const pump = () => {
        while (!res.destroyed && written < LIMIT && res.write(MiB)) written += 1;
        if (!res.destroyed && written < LIMIT) res.once('drain', () => ((written += 1), pump()));
      };
      pump();
    });
    const result = await probeHttpEndpoint(spec(`${server.origin}/`, { bodyContains: 'needle', timeoutMs: 10_000 }));
    assert.deepEqual([result.failure, result.status, result.reason], ['body', 200, 'body lacks "needle" in its first 65536 bytes']);
    assert.match(result.evidence, /HTTP 200, first 65536 bytes read in \d+ ms$/);
    await waitFor('the server to see the probe hang up', () => closed, 5000, 20);
    assert.ok(written < LIMIT, `the server wrote ${written} MiB: the probe kept reading`);
  });

  it('reports a refused connection', async () => {
    const gone = await serve((_req, res) => res.end());
    await gone.stop();
    servers.splice(servers.indexOf(gone), 1);
    const result = await probeHttpEndpoint(spec(`${gone.origin}/`));
    assert.deepEqual([result.ok, result.failure, result.status, result.reason], [false, 'connection', null, `connection refused by 127.0.0.1:${gone.port}`]);
  });

  it('reports a connection closed mid-answer', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.destroy());
    });
    const result = await probeHttpEndpoint(spec(`${server.origin}/`));
    assert.deepEqual([result.failure, result.status, result.reason], ['connection', 200, `connection to 127.0.0.1:${server.port} closed before a complete answer`]);
  });

  it('reports an answer that is not HTTP', async () => {
    const raw = await startRawTcpServer('SSH-2.0-OpenSSH_9.2\r\n');
    servers.push(raw);
    const result = await probeHttpEndpoint(spec(`http://127.0.0.1:${raw.port}/`));
    assert.equal(result.failure, 'protocol');
    assert.match(result.reason, new RegExp(`^not a valid HTTP answer from 127\\.0\\.0\\.1:${raw.port} \\(HPE_[A-Z_]+\\)$`));
  });

  it('reports a redirect without following it, its query left out', async () => {
    const elsewhere = await serve((_req, res) => res.end('followed'));
    const server = await serve((_req, res) => (res.writeHead(302, { location: `${elsewhere.origin}/login?session=s3cret` }), res.end()));
    const result = await probeHttpEndpoint(spec(`${server.origin}/`));
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.status, 302);
    assert.ok(result.evidence.endsWith(`, redirect to ${elsewhere.origin}/login?… (not followed)`), result.evidence);
    assert.ok(!result.evidence.includes('s3cret'), result.evidence);
    assert.equal(elsewhere.seen.length, 0);
  });

  it('sends HEAD when told to', async () => {
    const server = await serve((_req, res) => res.end());
    const result = await probeHttpEndpoint(spec(`${server.origin}/ping`, { method: 'HEAD' }));
    assert.equal(result.ok, true, result.reason);
    assert.deepEqual(server.seen.map((seen) => seen.method), ['HEAD']);
  });

  it('reaches an IPv6 loopback server', async () => {
    const server = await serve((_req, res) => res.end('ok'), { host: '::1' });
    const result = await probeHttpEndpoint(spec(`${server.origin}/`));
    assert.equal(result.ok, true, result.reason);
    assert.ok(result.evidence.includes(`via [::1]:${server.port}`), result.evidence);
  });

  it('tries the vetted addresses in turn, as for a localhost that resolves to ::1 first', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const dns = fakeDns({ 'app.lab.test': ['::1', '127.0.0.1'] });
    const result = await probeHttpEndpoint(spec(`http://app.lab.test:${server.port}/`), { resolve: dns, connect: loopbackOnly() });
    assert.equal(result.ok, true, result.reason);
    assert.ok(result.evidence.includes(`via 127.0.0.1:${server.port}:`), result.evidence);
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    const refused = await probeHttpEndpoint(spec(`http://app.lab.test:${server.port}/`), { resolve: dns, connect: loopbackOnly() });
    assert.deepEqual([refused.failure, refused.reason], ['connection', `connection refused by [::1]:${server.port} or 127.0.0.1:${server.port}`]);
  });

  describe('TLS', () => {
    it('refuses a self-signed certificate by default', async () => {
      const server = await serve((_req, res) => res.end('ok'), { tls: tlsFiles });
      const result = await probeHttpEndpoint(spec(`${server.origin}/`));
      assert.deepEqual([result.ok, result.failure, result.status, result.reason], [false, 'tls', null, 'TLS: self-signed certificate']);
      assert.equal(server.seen.length, 0);
    });

    it('accepts it with its certificate as caFile, and without verification when tlsVerify is false', async () => {
      const server = await serve((_req, res) => res.end('ok'), { tls: tlsFiles });
      const trusted = await probeHttpEndpoint(spec(`${server.origin}/`, { caFile: tlsFiles.certFile }), { caFileDirs: [dir] });
      assert.equal(trusted.ok, true, trusted.reason);
      const unverified = await probeHttpEndpoint(spec(`${server.origin}/`, { tlsVerify: false }));
      assert.equal(unverified.ok, true, unverified.reason);
      assert.equal(server.seen.length, 2);
    });

    it('checks the certificate against the name in the url, not the address it connected to', async () => {
      const server = await serve((_req, res) => res.end('ok'), { tls: tlsFiles });
      const dns = fakeDns({ 'other.lab.test': ['127.0.0.1'] });
      const result = await probeHttpEndpoint(spec(`https://other.lab.test:${server.port}/`, { caFile: tlsFiles.certFile }), { resolve: dns, connect: loopbackOnly(), caFileDirs: [dir] });
      assert.equal(result.failure, 'tls');
      assert.match(result.reason, /^TLS: Hostname\/IP does not match certificate's altnames: Host: other\.lab\.test\. is not in the cert's altnames: /);
      assert.ok(result.reason.includes('DNS:status.lab.test'), result.reason);
      assert.equal(server.seen.length, 0);
    });

    it('refuses a caFile that is a symlink leading out of the allowed folders, without reading it', async () => {
      const allowed = join(dir, 'allowed');
      mkdirSync(allowed);
      symlinkSync(tlsFiles.certFile, join(allowed, 'lab-ca.pem'));
      const server = await serve((_req, res) => res.end('ok'), { tls: tlsFiles });
      const result = await probeHttpEndpoint(spec(`${server.origin}/`, { caFile: join(allowed, 'lab-ca.pem') }), { caFileDirs: [allowed] });
      assert.deepEqual([result.failure, result.reason], ['ca_file', `caFile ${join(allowed, 'lab-ca.pem')}: outside the folders allowed for CA files (${allowed})`]);
      assert.equal(server.seen.length, 0);
    });
  });

  describe('address guard', () => {
    it('refuses a name resolving to the metadata address before any connection', async () => {
      const dns = fakeDns({ 'metadata.lab.test': ['169.254.169.254'], 'printer.lab.test': ['fe80::1'] });
      const connect = loopbackOnly();
      for (const host of ['metadata.lab.test', 'printer.lab.test']) {
        const result = await probeHttpEndpoint(spec(`http://${host}/latest/meta-data/`), { resolve: dns, connect });
        assert.equal(result.failure, 'address_refused', result.reason);
      }
      assert.deepEqual(dns.asked, ['metadata.lab.test', 'printer.lab.test']);
      assert.equal(connect.given.length, 0);
    });

    it('allows a name resolving to 127.0.0.1, resolved once and connected to that address under its own name', async () => {
      const server = await serve((_req, res) => res.end('ok'), { tls: tlsFiles });
      let answers = 0;
      // A rebinding resolver: a second question would get another address, where nothing listens.
      const rebinding: HostResolver = async () => [{ address: answers++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
      const connect = loopbackOnly();
      const url = `https://status.lab.test:${server.port}/health`;
      const result = await probeHttpEndpoint(spec(url, { caFile: tlsFiles.certFile }), { resolve: rebinding, connect, caFileDirs: [dir] });
      assert.equal(result.ok, true, result.reason);
      assert.equal(answers, 1);
      assert.deepEqual(connect.given.map((request) => request.addresses), [[{ address: '127.0.0.1', family: 4 }]]);
      // The name, not the address, went into the Host header and the certificate check (the cert names status.lab.test).
      assert.deepEqual(server.seen, [{ method: 'GET', url: '/health', host: `status.lab.test:${server.port}` }]);
    });
  });
});
