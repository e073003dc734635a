import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { tlsHandshake } from '../lab/tls-handshake.js';
import { killAllTracked, waitFor } from '../support/processes.js';

/** PIDs of running processes whose command line mentions `text` (zombies count as gone). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return !/\) Z /.test(stat) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** GET / over HTTPS through Caddy's reverse proxy, trusting `ca` only. */
function getThroughCaddy(lab: EdgeLab, host: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: lab.ports.https, servername: host, headers: { host }, ca, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('no answer through Caddy within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

/** Caddy's log lines saying an order failed and will be retried. */
function failedOrders(lab: EdgeLab): number {
  return lab.processes.caddy.log().split('\n').filter((line) => line.includes('will retry')).length;
}

describe('edge lab: bind9, ddclient, pebble and Caddy on loopback', { timeout: 240_000 }, () => {
  let lab: EdgeLab;
  let host: string;

  before(async () => {
    lab = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-edge-lab-test-')) });
    host = lab.hosts[0]!;
  });

  after(async () => {
    await lab?.stop();
    await killAllTracked();
  });

  it('starts every part on loopback, with the hosts not yet published', async () => {
    assert.deepEqual(lab.hosts, ['www.lab.jarvis.test']);
    assert.deepEqual(await lab.dig(`ns.${lab.zone}`), { status: 'NOERROR', answers: ['127.0.0.1'] });
    assert.deepEqual(await lab.dig(host), { status: 'NXDOMAIN', answers: [] });
    assert.deepEqual(await lab.dig(`ns.${lab.zone}`, 'A', 'resolver'), { status: 'NOERROR', answers: ['127.0.0.1'] }, 'the resolver forwards the lab zone');
    assert.equal((await lab.dig('example.org', 'A', 'resolver')).status, 'SERVFAIL', 'the resolver asks nothing beyond the lab');
    assert.match(await lab.pebbleRoot(), /^-----BEGIN CERTIFICATE-----/);
    assert.equal(lab.pids().every(alive), true);
  });

  it('with a mistyped secret ddclient fails with BADSIG: no record, no certificate even after a retry', async () => {
    lab.breakSecret();
    const run = await lab.runDdclient();
    assert.equal(run.exitCode, 1, run.output);
    assert.match(run.output, /NOTAUTH\(BADSIG\)/);
    assert.match(run.output, new RegExp(`FAILED: +updating ${host}`));
    assert.deepEqual(await lab.dig(host), { status: 'NXDOMAIN', answers: [] });
    await waitFor('Caddy to fail its first order', () => failedOrders(lab) >= 1, 60_000);
    const before = failedOrders(lab);
    await lab.caddyRetry();
    await waitFor('Caddy to fail the retried order', () => failedOrders(lab) > before, 60_000);
    const handshake = await tlsHandshake(lab.ports.https, host, await lab.pebbleRoot());
    assert.equal(handshake.ok, false, JSON.stringify(handshake));
  });

  it('a mistyped secret in ddclient.conf itself fails the same way', async () => {
    lab.fixSecret();
    lab.breakSecret('config');
    assert.match(readFileSync(lab.paths.ddclientConf, 'utf8'), new RegExp(`password=${lab.paths.ddclientTypoKey}`));
    const run = await lab.runDdclient({ force: true });
    assert.equal(run.exitCode, 1, run.output);
    assert.match(run.output, /NOTAUTH\(BADSIG\)/);
    assert.deepEqual(await lab.dig(host), { status: 'NXDOMAIN', answers: [] });
  });

  it('once the secret is fixed a forced ddclient run publishes the record, and Caddy gets a trusted certificate on retry', async () => {
    lab.fixSecret();
    const run = await lab.runDdclient({ force: true });
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, new RegExp(`SUCCESS: +updating ${host}`));
    assert.deepEqual(await lab.dig(host), { status: 'NOERROR', answers: ['127.0.0.1'] });
    await lab.caddyRetry();
    const root = await lab.pebbleRoot();
    const handshake = await waitFor('a certificate from pebble', async () => {
      const attempt = await tlsHandshake(lab.ports.https, host, root);
      return attempt.ok && attempt.authorized ? attempt : undefined;
    }, 60_000, 250);
    assert.match(handshake.subjectAltName, new RegExp(`DNS:${host.replace(/\./g, '\\.')}`));
    assert.match(handshake.issuer, /^Pebble Intermediate CA/);
    assert.equal(await getThroughCaddy(lab, host, root), 'served by the edge lab upstream\n');
  });

  it('stop() leaves no process of the lab running', async () => {
    const pids = lab.pids();
    await lab.stop();
    assert.deepEqual(pids.filter(alive), []);
    assert.deepEqual(processesMentioning(lab.paths.dir), []);
  });
});

describe('edge lab: a failed start', { timeout: 120_000 }, () => {
  let taken: Server;

  before(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    await killAllTracked();
  });

  it('stops what had started, by PID, and says which part failed', async () => {
    const address = taken.address();
    assert.ok(address !== null && typeof address === 'object');
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-edge-lab-conflict-'));
    await assert.rejects(startEdgeLab({ dir, ports: { https: address.port } }), /caddy exited/);
    assert.deepEqual(processesMentioning(dir), []);
  });
});
