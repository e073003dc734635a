import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { HostResolver, ResolvedAddress } from './address-guard.js';
import type { HttpConnector, PinnedRequest } from './pinned-request.js';
import { probeHttpEndpoint, type HttpProbeSpec } from './probe-http-endpoint.js';

/**
 * The guard and the flow around it, with the resolver and the connect step injected: whatever the guard does, no
 * packet leaves this process. The same probe against real servers is in tests/src/integration/http-probe.test.ts.
 */
const SPEC: HttpProbeSpec = {
  url: 'http://status.lab.test:8080/health?token=s3cret',
  method: 'GET',
  expectStatus: ['200-399'],
  maxLatencyMs: 1000,
  tlsVerify: true,
  timeoutMs: 2000,
  allowLinkLocal: false,
};

function resolverAnswering(...addresses: ResolvedAddress[]): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  return Object.assign(async (hostname: string) => (asked.push(hostname), addresses), { asked });
}

/** Records what the connect step was given and answers 200 "ready". */
function recordingConnector(): HttpConnector & { given: PinnedRequest[] } {
  const given: PinnedRequest[] = [];
  const connect: HttpConnector = async (request) => {
    given.push(request);
    const body = new PassThrough();
    body.end('ready');
    return { status: 200, headers: {}, body, remoteAddress: request.addresses[0]?.address ?? null };
  };
  return Object.assign(connect, { given });
}

describe('probeHttpEndpoint: the address guard', () => {
  it('refuses a host resolving to the metadata address before any connection', async () => {
    const resolve = resolverAnswering({ address: '169.254.169.254', family: 4 });
    const connect = recordingConnector();
    const result = await probeHttpEndpoint(SPEC, { resolve, connect });
    assert.equal(connect.given.length, 0);
    assert.deepEqual(resolve.asked, ['status.lab.test']);
    assert.equal(result.ok, false);
    assert.equal(result.failure, 'address_refused');
    assert.equal(result.status, null);
    assert.equal(result.reason, 'status.lab.test resolves to 169.254.169.254, a cloud metadata address: refused (allowLinkLocal is false)');
    assert.equal(result.evidence, `GET http://status.lab.test:8080/health?…: ${result.reason}`);
  });

  it('refuses a host with one link-local address among ordinary ones', async () => {
    const resolve = resolverAnswering({ address: '192.168.1.5', family: 4 }, { address: 'fe80::5', family: 6 });
    const connect = recordingConnector();
    const result = await probeHttpEndpoint(SPEC, { resolve, connect });
    assert.equal(connect.given.length, 0);
    assert.equal(result.failure, 'address_refused');
  });

  const literals = [
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/latest/meta-data/',
    'http://0xa9fea9fe/',
    'http://0251.0376.0251.0376/',
    'http://169.254.1/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'https://[fe80::1]:8443/',
    'http://169.254.10.10:9100/metrics',
  ];
  for (const url of literals) {
    it(`refuses ${url} without resolving or connecting`, async () => {
      const resolve = resolverAnswering({ address: '127.0.0.1', family: 4 });
      const connect = recordingConnector();
      const result = await probeHttpEndpoint({ ...SPEC, url }, { resolve, connect });
      assert.equal(result.failure, 'address_refused', result.reason);
      assert.deepEqual(resolve.asked, []);
      assert.equal(connect.given.length, 0);
    });
  }

  it('hands a link-local address to the connect step when the endpoint allows it', async () => {
    const resolve = resolverAnswering({ address: '169.254.169.254', family: 4 });
    const connect = recordingConnector();
    const result = await probeHttpEndpoint({ ...SPEC, allowLinkLocal: true }, { resolve, connect });
    assert.equal(result.ok, true, result.reason);
    assert.equal(connect.given.length, 1);
    assert.deepEqual(connect.given[0]?.addresses, [{ address: '169.254.169.254', family: 4 }]);
    assert.equal(connect.given[0]?.url.hostname, 'status.lab.test');
    assert.equal(result.evidence, `GET http://status.lab.test:8080/health?… via 169.254.169.254:8080: HTTP 200, 5 bytes in ${result.latencyMs} ms`);
  });

  it('resolves once and hands the connect step every vetted address, in order', async () => {
    const resolve = resolverAnswering({ address: 'fd12::7', family: 6 }, { address: '10.0.0.7', family: 4 });
    const connect = recordingConnector();
    await probeHttpEndpoint(SPEC, { resolve, connect });
    assert.deepEqual(resolve.asked, ['status.lab.test']);
    assert.deepEqual(
      connect.given.map((request) => request.addresses.map((resolved) => resolved.address)),
      [['fd12::7', '10.0.0.7']],
    );
  });
});

describe('probeHttpEndpoint: flow', () => {
  it('measures latency with the injected monotonic clock', async () => {
    const ticks = [100, 2400];
    const now = () => ticks.shift() ?? 2400;
    const result = await probeHttpEndpoint(SPEC, { resolve: resolverAnswering({ address: '10.0.0.7', family: 4 }), connect: recordingConnector(), now });
    assert.equal(result.latencyMs, 2300);
    assert.equal(result.reason, 'latency 2300 ms over the 1000 ms limit');
    assert.equal(result.failure, 'latency');
  });

  it('ends a probe whose name resolution hangs at its timeout', async () => {
    const hanging: HostResolver = () => new Promise(() => undefined);
    const connect = recordingConnector();
    const result = await probeHttpEndpoint({ ...SPEC, timeoutMs: 100 }, { resolve: hanging, connect });
    assert.equal(result.failure, 'timeout');
    assert.equal(result.reason, 'no answer within 100 ms');
    assert.equal(connect.given.length, 0);
  });

  it('reports a host that does not resolve as a DNS failure', async () => {
    const missing: HostResolver = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND status.lab.test'), { code: 'ENOTFOUND' }));
    const result = await probeHttpEndpoint(SPEC, { resolve: missing, connect: recordingConnector() });
    assert.deepEqual([result.failure, result.reason], ['dns', 'host status.lab.test not found']);
  });

  it('rejects with the caller reason when the caller aborts', async () => {
    const controller = new AbortController();
    const hanging: HostResolver = () => new Promise(() => undefined);
    const probe = probeHttpEndpoint(SPEC, { resolve: hanging, connect: recordingConnector(), signal: controller.signal });
    controller.abort(new Error('monitor stopping'));
    await assert.rejects(probe, /monitor stopping/);
  });

  it('keeps reason and evidence short enough for an event, however long the config made them', async () => {
    const caFile = `/etc/jarvis/${'deep/'.repeat(700)}ca.pem`;
    const spec = { ...SPEC, url: `https://status.lab.test/${'p'.repeat(1500)}`, caFile };
    const result = await probeHttpEndpoint(spec, { resolve: resolverAnswering({ address: '10.0.0.7', family: 4 }), connect: recordingConnector() });
    assert.equal(result.failure, 'ca_file');
    assert.equal(result.reason.length, 500);
    assert.ok(result.reason.startsWith('caFile /etc/jarvis/deep/') && result.reason.endsWith('...'), result.reason);
    assert.equal(result.evidence.length, 1000);
  });

  it('leaves no listener on the caller signal once it ended', async () => {
    const controller = new AbortController();
    const result = await probeHttpEndpoint(SPEC, { resolve: resolverAnswering({ address: '10.0.0.7', family: 4 }), connect: recordingConnector(), signal: controller.signal });
    assert.equal(result.ok, true, result.reason);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('rejects at once, before resolving, when the caller signal is already aborted', async () => {
    const resolve = resolverAnswering({ address: '10.0.0.7', family: 4 });
    await assert.rejects(probeHttpEndpoint(SPEC, { resolve, connect: recordingConnector(), signal: AbortSignal.abort(new Error('stopped')) }), /stopped/);
    assert.deepEqual(resolve.asked, []);
  });

  it('throws on a spec that skipped validation', async () => {
    await assert.rejects(probeHttpEndpoint({ ...SPEC, url: 'ftp://nas.lab/' }), TypeError);
    await assert.rejects(probeHttpEndpoint({ ...SPEC, expectStatus: ['2xx'] }), TypeError);
  });

  it('refuses a CA file outside the allowed folders without reading it, as a configuration failure', async () => {
    const connect = recordingConnector();
    const spec = { ...SPEC, url: 'https://status.lab.test/', caFile: '/etc/passwd' };
    const result = await probeHttpEndpoint(spec, { resolve: resolverAnswering({ address: '10.0.0.7', family: 4 }), connect, caFileDirs: ['/etc/jarvis'] });
    assert.equal(result.failure, 'ca_file');
    assert.equal(result.reason, 'caFile /etc/passwd: outside the folders allowed for CA files (/etc/jarvis)');
    assert.equal(connect.given.length, 0);
  });
});
