import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { DockerodeRuntime, dockerFromEnv } from '@jarvis/docker';
import { TEST_IMAGE, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';
import { rawRequest, startSocketProxy, type SocketProxy } from '../support/socket-proxy.js';

/** The default server timeout of a second proxy, so that "past it" takes seconds, not the shipped 11 minutes. */
const SHORT_SERVER_TIMEOUT_S = 2;

type Refusal = { what: string; method: string; path: (id: string) => string; headers?: Record<string, string>; body?: string };

const REFUSED: Refusal[] = [
  { what: 'create', method: 'POST', path: () => '/v1.41/containers/create?name=evil', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Image: TEST_IMAGE, HostConfig: { Privileged: true } }) },
  { what: 'exec', method: 'POST', path: (id) => `/v1.41/containers/${id}/exec`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Cmd: ['touch', '/tmp/pwned'] }) },
  { what: 'attach', method: 'POST', path: (id) => `/v1.41/containers/${id}/attach?stream=1&stdin=1` },
  { what: 'websocket attach', method: 'GET', path: (id) => `/v1.41/containers/${id}/attach/ws?stdin=1&stream=1`, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } },
  { what: 'an upgrade on an allowed path', method: 'GET', path: (id) => `/containers/${id}/json`, headers: { connection: 'Upgrade', upgrade: 'tcp' } },
  { what: 'volumes', method: 'GET', path: () => '/v1.41/volumes' },
  { what: 'images', method: 'GET', path: () => '/v1.41/images/json' },
  { what: 'a start with Binds on /v1.23/', method: 'POST', path: (id) => `/v1.23/containers/${id}/start`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Binds: ['/:/host'] }) },
  { what: 'a start with a body on a current version', method: 'POST', path: (id) => `/v1.41/containers/${id}/start`, headers: { 'content-type': 'application/json' }, body: '{}' },
  { what: 'a chunked start', method: 'POST', path: (id) => `/containers/${id}/start`, headers: { 'transfer-encoding': 'chunked' }, body: '{"Binds":["/:/host"]}' },
  { what: 'an old API version', method: 'GET', path: () => '/v1.23/containers/json' },
  { what: '".." in the path', method: 'GET', path: (id) => `/containers/${id}/../../images/json` },
  { what: '".." as the name', method: 'GET', path: () => '/v1.41/containers/../json' },
  { what: 'upper case', method: 'GET', path: () => '/v1.41/CONTAINERS/json' },
  { what: '%2D-encoded path', method: 'POST', path: (id) => `/v1.41/containers/${id}/%65xec` },
  { what: 'an encoded slash', method: 'GET', path: (id) => `/v1.41/containers/${id}%2Fjson` },
  { what: 'a doubled slash', method: 'GET', path: () => '//containers/json' },
  { what: 'DELETE', method: 'DELETE', path: (id) => `/v1.41/containers/${id}?force=1` },
  { what: 'PUT', method: 'PUT', path: (id) => `/v1.41/containers/${id}/archive?path=/tmp`, body: 'x' },
  { what: 'update', method: 'POST', path: (id) => `/v1.41/containers/${id}/update`, headers: { 'content-type': 'application/json' }, body: '{"Memory":0}' },
  { what: 'a POST on an inspect path', method: 'POST', path: (id) => `/v1.41/containers/${id}/json` },
];

describe('socket proxy (infra/socket-proxy/haproxy.cfg on haproxy) in front of a real dockerd', { timeout: 180_000 }, () => {
  let engine: DockerHarness;
  let proxy: SocketProxy;
  let shortTimeoutProxy: SocketProxy;
  let proxied: Docker;
  let dir: string;

  before(async () => {
    engine = await startDockerd();
    dir = mkdtempSync('/tmp/jsp-');
    mkdirSync(join(dir, 'short'));
    proxy = await startSocketProxy(join(engine.dir, 'docker.sock'), dir);
    shortTimeoutProxy = await startSocketProxy(join(engine.dir, 'docker.sock'), join(dir, 'short'), { JARVIS_PROXY_TIMEOUT_SERVER: `${SHORT_SERVER_TIMEOUT_S}s` });
    proxied = dockerFromEnv(proxy.host);
  });

  after(async () => {
    await proxy?.stop();
    await shortTimeoutProxy?.stop();
    await engine?.stop();
    await killAllTracked();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets through every call Jarvis makes: list, inspect, start, stop, restart, kill, ping, version', async () => {
    await runContainer(engine.docker, { name: 'allowed', cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] });
    const runtime = new DockerodeRuntime(proxied, { callTimeoutMs: 10_000, endpoint: proxy.host });
    assert.ok((await runtime.list()).snapshots.some((s) => s.name === 'allowed' && s.state === 'running'));
    const startedAt = (await runtime.inspect('allowed'))?.startedAt;
    await runtime.restart('allowed', 1);
    assert.notEqual((await runtime.inspect('allowed'))?.startedAt, startedAt, 'the restart went through');
    await proxied.getContainer('allowed').stop({ t: 1 });
    assert.equal((await engine.docker.getContainer('allowed').inspect()).State.Running, false);
    await proxied.getContainer('allowed').start();
    await waitRunning(engine.docker, 'allowed');
    await proxied.getContainer('allowed').kill({ signal: 'SIGKILL' });
    assert.equal((await engine.docker.getContainer('allowed').inspect()).State.Running, false);
    assert.equal(String(await proxied.ping()), 'OK');
    assert.ok((await proxied.version()).ApiVersion);
  });

  it('refuses create, exec, attach, volumes, images, bodies on start and path tricks with a JSON 403, and the engine does nothing', async () => {
    const target = await engine.docker.createContainer({ name: 'victim', Image: TEST_IMAGE, Cmd: ['sleep', '100000'] });
    const before = (await engine.docker.listContainers({ all: true })).length;
    for (const refusal of REFUSED) {
      const answer = await rawRequest(proxy.port, refusal.method, refusal.path(target.id), { headers: refusal.headers, body: refusal.body });
      assert.equal(answer.status, 403, `${refusal.what}: ${answer.status} ${answer.body}`);
      assert.equal(answer.contentType, 'application/json', refusal.what);
      assert.match((JSON.parse(answer.body) as { message: string }).message, /refused by the Jarvis socket proxy/, refusal.what);
    }
    const after = await engine.docker.getContainer('victim').inspect();
    assert.equal(after.State.Running, false, 'no refused start ran the container');
    assert.deepEqual(after.HostConfig.Binds ?? [], [], 'no host folder was bound');
    assert.equal((await engine.docker.listContainers({ all: true })).length, before, 'nothing was created');
  });

  it('gives dockerode a readable refusal', async () => {
    await assert.rejects(proxied.createContainer({ Image: TEST_IMAGE, Cmd: ['true'] }), (error: Error & { statusCode?: number }) => {
      assert.equal(error.statusCode, 403);
      assert.match(error.message, /refused by the Jarvis socket proxy/);
      return true;
    });
  });

  it('keeps an idle events stream open past the default server timeout, which does cut a longer call', async () => {
    const received: string[] = [];
    let closed = false;
    const shortTimeout = dockerFromEnv(shortTimeoutProxy.host);
    const stream = (await shortTimeout.getEvents({ filters: { type: ['container'] } })) as NodeJS.ReadableStream & { destroy(): void };
    stream.on('data', (chunk: Buffer) => received.push(chunk.toString('utf8')));
    stream.on('close', () => (closed = true));
    stream.on('error', () => (closed = true));
    await sleep((SHORT_SERVER_TIMEOUT_S + 2) * 1000);
    await runContainer(engine.docker, { name: 'late-event', cmd: ['sleep', '100000'] });
    await waitFor('the start event through the proxy', () => received.some((line) => line.includes('late-event')), 10_000, 50);
    assert.equal(closed, false);
    stream.destroy();
    // The same default timeout ends a restart that takes longer (PID 1 `sleep` ignores SIGTERM: the whole stop timeout).
    await assert.rejects(shortTimeout.getContainer('late-event').restart({ t: SHORT_SERVER_TIMEOUT_S + 3 }), (error: Error & { statusCode?: number }) => error.statusCode === 504);
  });
});
