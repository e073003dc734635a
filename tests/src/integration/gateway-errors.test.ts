import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { newId, RPC, type ApiErrorBody } from '@jarvis/contracts';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

const UNKNOWN_ID = '3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5e';

/** The gateway with the audit service beside it, and no monitor: its requests get no answer. */
describe('gateway error replies', { timeout: 120_000 }, () => {
  let nats: NatsHarness;
  let jarvis: TrackedProcess;
  let base: string;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNats();
    const port = await freePort();
    base = `http://127.0.0.1:${port}/api/jarvis`;
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-gateway-errors-'));
    jarvis = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'audit,gateway'], {
      env: { ...process.env, NATS_URL: nats.url, JARVIS_HTTP_PORT: String(port), JARVIS_CONFIG: '', JARVIS_DATA_DIR: dir },
      logFile: join(dir, 'jarvis.log'),
      cwd: REPO_ROOT,
    });
    await waitFor('the gateway to listen', () => jarvis.log().includes('gateway listening'), 60_000).catch((error: Error) => assert.fail(`${error.message}\n${jarvis.log()}`));
    nc = await connect({ servers: [nats.url] });
  });

  after(async () => {
    await nc?.close();
    await jarvis?.stop('SIGTERM');
    await nats?.stop();
    await killAllTracked();
  });

  async function errorReply(path: string, init?: RequestInit): Promise<{ status: number; body: ApiErrorBody }> {
    const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    return { status: response.status, body: (await response.json()) as ApiErrorBody };
  }

  it('answers query validation errors with every field and its reason', async () => {
    const { status, body } = await errorReply('/incidents?status=bogus&limit=5000');
    assert.equal(status, 400);
    assert.equal(body.error.status, 400);
    assert.equal(body.error.code, 'invalid_request');
    assert.deepEqual(
      [...body.error.fields].sort((a, b) => a.field.localeCompare(b.field)),
      [
        { field: 'limit', reason: 'must not be greater than 1000' },
        { field: 'status', reason: 'must be one of the following values: open, escalated, resolved, active, all' },
      ],
    );
    assert.match(body.error.message, /status: must be one of/);
  });

  it('names an unknown query parameter as a field', async () => {
    const { status, body } = await errorReply('/incidents?colour=red');
    assert.equal(status, 400);
    assert.deepEqual(body.error.fields, [{ field: 'colour', reason: 'property colour should not exist' }]);
  });

  it('answers a malformed id from the param pipe in the same shape', async () => {
    assert.deepEqual(await errorReply('/incidents/not-a-uuid'), {
      status: 400,
      body: { error: { status: 400, code: 'invalid_request', message: 'id: must be a UUID', fields: [{ field: 'id', reason: 'must be a UUID' }] } },
    });
  });

  it('carries "not found" across the RPC boundary as a code, and answers 404 from it', async () => {
    const raw = await nc.request(RPC.auditIncident, JSON.stringify({ pattern: RPC.auditIncident, data: { id: UNKNOWN_ID }, id: newId() }), { timeout: 5_000 });
    const reply = raw.json<{ err?: unknown }>();
    assert.deepEqual(reply.err, { code: 'not_found', message: `no incident ${UNKNOWN_ID}`, fields: [{ field: 'id', reason: 'no incident has this id' }] });
    assert.deepEqual(await errorReply(`/incidents/${UNKNOWN_ID}`), {
      status: 404,
      body: { error: { status: 404, code: 'not_found', message: `no incident ${UNKNOWN_ID}`, fields: [{ field: 'id', reason: 'no incident has this id' }] } },
    });
  });

  it('answers an unknown route, or a known path with the wrong method, in the same shape', async () => {
    for (const [path, method] of [['/nope', 'GET'], ['/status', 'DELETE'], ['/../../etc/passwd', 'GET']] as const) {
      const { status, body } = await errorReply(path, { method });
      assert.equal(status, 404, `${method} ${path}`);
      assert.deepEqual({ ...body.error, message: typeof body.error.message }, { status: 404, code: 'not_found', message: 'string', fields: [] }, `${method} ${path}`);
    }
  });

  it('answers a body that is not JSON in the same shape', async () => {
    const { status, body } = await errorReply('/diagnose', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"unclosed' });
    assert.equal(status, 400);
    assert.equal(body.error.code, 'invalid_request');
    assert.deepEqual(body.error.fields, []);
  });

  it('answers 503 unavailable when the service behind a route does not answer', async () => {
    const { status, body } = await errorReply('/diagnose', { method: 'POST' });
    assert.equal(status, 503);
    assert.equal(body.error.code, 'unavailable');
    assert.match(body.error.message, /^jarvis\.rpc\.monitor\.diagnose: /);
  });

  it('still answers successful requests with the reply types of the contracts', async () => {
    const list = await fetch(`${base}/incidents?status=all&limit=5`);
    assert.equal(list.status, 200);
    assert.deepEqual(await list.json(), { incidents: [], metrics: { incidents: 0, open: 0, escalated: 0, resolved: 0, mttdMsP50: null, mttrMsP50: null } });
    const status = (await (await fetch(`${base}/status`)).json()) as { services: { service: string; status: string }[] };
    assert.deepEqual(
      status.services.filter((s) => s.status === 'up').map((s) => s.service),
      ['gateway', 'audit'],
      'request/reply over NATS in the gateway process still works beside the HTTP error filter',
    );
  });
});
