import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  approvalDigest,
  containerTarget,
  createEvent,
  derivedId,
  newId,
  type ApiErrorBody,
  type ApprovalsReply,
  type ApprovalView,
  type JarvisEvent,
  type JarvisEventOf,
} from '@jarvis/contracts';
import { pendingApprovalEvents } from '../support/approval-fixtures.js';
import { EventReader, timeline } from '../support/event-reader.js';
import { runJarvisCli } from '../support/jarvis-cli.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { exitWithin, freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

/**
 * The approval edge against real parts: a nats-server, and policy, audit and gateway in one `jarvis start`. The test
 * records the pending requests itself (an opened incident, a needs_approval decision, its ApprovalRequested) as the
 * policy would, then answers them over HTTP and through the `jarvis` binary.
 */
describe('approvals over the HTTP API and the jarvis command', { timeout: 180_000 }, () => {
  let nats: NatsHarness;
  let jarvis: TrackedProcess;
  let reader: EventReader;
  let dataDir: string;
  let dir: string;
  let base: string;
  let apiUrl: string;
  let token: string;

  before(async () => {
    nats = await startNats();
    dir = mkdtempSync(join(tmpdir(), 'jarvis-approvals-'));
    dataDir = join(dir, 'data');
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    base = `${apiUrl}/api/jarvis`;
    jarvis = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'policy,audit,gateway'], {
      env: { ...process.env, NATS_URL: nats.url, JARVIS_HTTP_PORT: String(port), JARVIS_CONFIG: '', JARVIS_DATA_DIR: dataDir },
      logFile: join(dir, 'jarvis.log'),
      cwd: REPO_ROOT,
    });
    await waitFor('the gateway to listen', () => jarvis.log().includes('gateway listening'), 60_000).catch((error: Error) => assert.fail(`${error.message}\n${jarvis.log()}`));
    reader = await EventReader.open(nats.url);
    token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  });

  after(async () => {
    await reader?.close();
    await jarvis?.stop('SIGTERM');
    await nats?.stop();
    await killAllTracked();
  });

  /** A pending request for container `name` (or a consequence of it), recorded as the policy would, once the gateway lists it. */
  async function pendingRequest(name: string, consequence?: { name: string; check: string }): Promise<ApprovalView> {
    const { events, request } = pendingApprovalEvents(name, consequence);
    for (const event of events) await reader.log.append(event);
    return waitFor(`approval request ${request.id} to be listed`, async () => (await listed()).find((approval) => approval.id === request.id), 20_000);
  }

  async function listed(): Promise<ApprovalView[]> {
    const response = await fetch(`${base}/approvals`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 200);
    return ((await response.json()) as ApprovalsReply).approvals;
  }

  async function post(path: string, body: unknown, authorization?: string): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runJarvisCli(args, { JARVIS_API_URL: apiUrl, JARVIS_DATA_DIR: dataDir, JARVIS_API_TOKEN: '', ...env });

  const ofRequest = (requestId: string) => (e: JarvisEvent) => 'requestId' in e.data && e.data.requestId === requestId;

  it('creates the API token at first start: 0600 files, only the path in the log', () => {
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(join(dataDir, 'api-token')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'api-token.sha256')).mode & 0o777, 0o600);
    assert.ok(jarvis.log().includes(`API token created in ${join(dataDir, 'api-token')}`), jarvis.log());
    assert.ok(!jarvis.log().includes(token), 'the token itself is never logged');
  });

  it('lists a pending request with exactly what would run', async () => {
    const request = await pendingRequest('listed-app');
    assert.deepEqual({ ...request, id: 'x', caseId: 'x', requestedAt: 'x', expiresAt: 'x' }, {
      id: 'x', caseId: 'x', target: 'container:listed-app', action: 'restart_container', params: {}, risk: 'medium',
      digest: approvalDigest({ action: 'restart_container', target: containerTarget('listed-app'), params: {} }), reason: 'autoRestart is off', requestedAt: 'x', expiresAt: 'x',
    });
    const listedByCli = await cli(['approvals']);
    assert.equal(listedByCli.status, 0, listedByCli.stderr);
    assert.match(listedByCli.stdout, new RegExp(`^${request.id}\\n  action:  restart_container on container:listed-app\\n`, 'm'));
  });

  it("lists a consequence's request with the consequence named; a rejection escalates the root's incident naming it", async () => {
    const request = await pendingRequest('root-app', { name: 'behind-app', check: 'http_health' });
    assert.deepEqual([request.target, request.consequenceCheck], ['container:behind-app', 'http_health']);
    assert.equal(request.digest, approvalDigest({ action: 'restart_container', target: containerTarget('behind-app'), params: {}, consequenceCheck: 'http_health' }));
    const listedByCli = await cli(['approvals']);
    assert.equal(listedByCli.status, 0, listedByCli.stderr);
    assert.match(listedByCli.stdout, new RegExp(`^${request.id}\\n  action:  restart_container on container:behind-app\\n  for:     container:behind-app http_health, a consequence of case ${request.caseId}\\n`, 'm'));

    const rejected = await cli(['reject', request.id, '--by', 'ann', '--reason', 'not during the backup'], { JARVIS_API_TOKEN: token });
    assert.equal(rejected.status, 0, rejected.stderr);
    const escalation = await waitFor('the escalation naming the consequence', async () => {
      const found = (await reader.events((e) => e.correlationId === request.caseId)).find((e): e is JarvisEventOf<'IncidentEscalated'> => e.type === 'IncidentEscalated');
      return found;
    }, 20_000);
    assert.deepEqual([escalation.source, escalation.subject, escalation.data.rule], ['policy', 'container:root-app', 'consequence_not_approved']);
    assert.match(escalation.data.reason, /consequence container:behind-app http_health \(restart_container\) was rejected by ann: not during the backup/);
  });

  it('without a token or with a wrong one: 401, nothing granted, one ApprovalRefused(unauthenticated) per minute on record', async () => {
    const request = await pendingRequest('guarded-app');
    const missing = await post(`/approvals/${request.id}/approve`, {});
    const wrong = await post(`/approvals/${request.id}/approve`, { by: 'mallory' }, `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    const notBearer = await post(`/approvals/${request.id}/reject`, {}, `Basic ${Buffer.from(`x:${token}`).toString('base64')}`);
    for (const [reply, message] of [[missing, 'no API token'], [wrong, 'wrong API token'], [notBearer, 'the Authorization header is not a bearer token']] as const) {
      assert.equal(reply.status, 401);
      assert.equal((reply.body as ApiErrorBody).error.code, 'unauthorized');
      assert.match((reply.body as ApiErrorBody).error.message, new RegExp(`^${message}: send Authorization: Bearer <token>`));
      assert.equal(reply.headers.get('www-authenticate'), 'Bearer realm="jarvis"');
    }
    const refusals = await waitFor('the unauthenticated refusal', async () => {
      const found = (await reader.events(ofRequest(request.id))).filter((e): e is JarvisEventOf<'ApprovalRefused'> => e.type === 'ApprovalRefused');
      return found.length > 0 && found;
    });
    for (const refusal of refusals) {
      assert.deepEqual([refusal.source, refusal.data.refusal, refusal.correlationId, refusal.subject], ['gateway', 'unauthenticated', request.caseId, 'container:guarded-app']);
      assert.equal(refusal.id, derivedId('ApprovalRefused', 'unauthenticated', request.id, refusal.time.slice(0, 16)), 'derived from the request and the minute');
    }
    assert.ok(refusals.length <= 2, `three attempts within a minute or two are at most two events:\n${timeline(refusals)}`);
    const events = await reader.events(ofRequest(request.id));
    assert.deepEqual(events.filter((e) => e.type === 'ApprovalGranted' || e.type === 'ApprovalRejected'), [], 'nothing answered');
    assert.ok((await listed()).some((approval) => approval.id === request.id), 'still pending');
  });

  it('a wrong token for an id that names nothing pending: 401 and nothing on record', async () => {
    const unknown = newId();
    const reply = await post(`/approvals/${unknown}/approve`, {}, 'Bearer not-the-token');
    assert.equal(reply.status, 401);
    assert.deepEqual(await reader.events(ofRequest(unknown)), []);
  });

  it('with the token: an unknown id is 404, another digest is 409, a bad body is 400 with its fields, and nothing is granted', async () => {
    const request = await pendingRequest('careful-app');
    const auth = `Bearer ${token}`;
    const unknown = await post(`/approvals/${newId()}/approve`, {}, auth);
    assert.equal(unknown.status, 404);
    assert.deepEqual((unknown.body as ApiErrorBody).error.fields, [{ field: 'id', reason: 'names no pending approval request (unknown, answered or expired)' }]);
    const altered = await post(`/approvals/${request.id}/approve`, { digest: 'ab'.repeat(32) }, auth);
    assert.equal(altered.status, 409);
    assert.equal((altered.body as ApiErrorBody).error.code, 'conflict');
    assert.deepEqual((altered.body as ApiErrorBody).error.fields, [{ field: 'digest', reason: "differs from the request's digest" }]);
    const invalid = await post(`/approvals/${request.id}/approve`, { by: 'x'.repeat(65), extra: true }, auth);
    assert.equal(invalid.status, 400);
    assert.deepEqual(
      (invalid.body as ApiErrorBody).error.fields.map((f) => f.field).sort(),
      ['by', 'extra'],
    );
    const notUuid = await post('/approvals/not-a-uuid/approve', {}, auth);
    assert.equal(notUuid.status, 400);
    assert.deepEqual((notUuid.body as ApiErrorBody).error.fields, [{ field: 'id', reason: 'must be a UUID' }]);
    assert.deepEqual((await reader.events(ofRequest(request.id))).filter((e) => e.type !== 'ApprovalRequested'), []);
  });

  it('reject records who and why; the request is no longer pending and cannot be approved after', async () => {
    const request = await pendingRequest('rejected-app');
    const reply = await post(`/approvals/${request.id}/reject`, { by: 'bob', reason: 'maintenance window tonight' }, `Bearer ${token}`);
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const rejection = await reader.waitForEvent('ApprovalRejected', (e) => e.data.requestId === request.id);
    assert.deepEqual([rejection.id, rejection.source, rejection.correlationId, rejection.data.by, rejection.data.reason], [(reply.body as { rejectionId: string }).rejectionId, 'gateway', request.caseId, 'bob', 'maintenance window tonight']);
    await waitFor('the request to leave the pending list', async () => !(await listed()).some((approval) => approval.id === request.id));
    assert.equal((await post(`/approvals/${request.id}/approve`, {}, `Bearer ${token}`)).status, 404);
  });

  it('jarvis approve shows what it approves and grants it; the policy decides once; a replayed grant is refused', async () => {
    const request = await pendingRequest('approved-app');
    const result = await cli(['approve', request.id, '--by', 'alice']);
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /action: {2}restart_container on container:approved-app\n {2}params: {2}\{\}\n {2}risk: {4}medium\n {2}expires: /);
    assert.match(result.stdout, /Granted by alice \(grant [0-9a-f-]{36}\)/);
    const grant = await reader.waitForEvent('ApprovalGranted', (e) => e.data.requestId === request.id);
    assert.deepEqual(
      { source: grant.source, subject: grant.subject, correlationId: grant.correlationId, causationId: grant.causationId, by: grant.data.by, digest: grant.data.digest, target: { ...grant.data.target } },
      { source: 'gateway', subject: 'container:approved-app', correlationId: request.caseId, causationId: request.id, by: 'alice', digest: request.digest, target: { kind: 'container', id: 'approved-app' } },
    );
    const decision = await reader.waitForEvent('RemediationDecided', (e) => e.data.approvalId === grant.id);
    assert.deepEqual([decision.source, decision.data.outcome, decision.data.rule, decision.data.action, decision.correlationId], ['policy', 'execute', 'approval_granted', 'restart_container', request.caseId]);

    const replay = createEvent({ ...grant, id: newId(), time: new Date().toISOString() });
    await reader.log.append(replay);
    const refused = await reader.waitForEvent('ApprovalRefused', (e) => e.causationId === replay.id);
    assert.deepEqual([refused.source, refused.data.refusal], ['policy', 'not_pending']);
    const executes = (await reader.events((e) => e.type === 'RemediationDecided' && e.correlationId === request.caseId && e.data.outcome === 'execute'));
    assert.equal(executes.length, 1, `one grant, one execution:\n${timeline(await reader.events((e) => e.correlationId === request.caseId))}`);
  });

  it('jarvis approve|reject: exit 1 with the API refusal, exit 2 on a usage mistake or no token', async () => {
    const request = await pendingRequest('cli-app');
    const wrongToken = await cli(['approve', request.id], { JARVIS_API_TOKEN: 'nope' });
    assert.equal(wrongToken.status, 1);
    assert.match(wrongToken.stderr, /^jarvis approve: unauthorized \(401\): wrong API token/);
    const altered = await cli(['approve', request.id, '--digest', 'ab'.repeat(32)]);
    assert.equal(altered.status, 1);
    assert.match(altered.stderr, /conflict \(409\).*\n {2}digest: differs from the request's digest/);
    const unknown = await cli(['reject', newId()]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^jarvis reject: not_found \(404\)/);
    const missingId = await cli(['approve']);
    assert.equal(missingId.status, 2);
    assert.match(missingId.stderr, /^jarvis approve: missing <approval-id>/);
    const noToken = await cli(['reject', request.id], { JARVIS_DATA_DIR: join(dir, 'nowhere') });
    assert.equal(noToken.status, 2);
    assert.match(noToken.stderr, /^jarvis reject: no API token: set JARVIS_API_TOKEN/);
    const unreachable = await cli(['approvals'], { JARVIS_API_URL: `http://127.0.0.1:${await freePort()}` });
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /^jarvis approvals: cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+\/api\/jarvis\/approvals/);
    const rejected = await cli(['reject', request.id, '--reason', 'not today'], { JARVIS_API_TOKEN: token, JARVIS_DATA_DIR: join(dir, 'nowhere') });
    assert.equal(rejected.status, 0, rejected.stderr);
    const rejection = await reader.waitForEvent('ApprovalRejected', (e) => e.data.requestId === request.id);
    assert.equal(rejection.data.reason, 'not today');
  });

  it('a gateway whose token file others can read refuses to start: exit 2, the file named', async () => {
    const loose = join(dir, 'loose');
    mkdirSync(loose);
    writeFileSync(join(loose, 'api-token'), 'readable-by-all\n');
    chmodSync(join(loose, 'api-token'), 0o644);
    const gateway = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'gateway'], {
      env: { ...process.env, NATS_URL: nats.url, JARVIS_HTTP_PORT: String(await freePort()), JARVIS_CONFIG: '', JARVIS_DATA_DIR: loose },
      logFile: join(dir, 'loose-gateway.log'),
      cwd: REPO_ROOT,
    });
    const code = await exitWithin(gateway, 30_000);
    await gateway.stop('SIGTERM');
    assert.equal(code, 2, gateway.log());
    assert.match(gateway.log(), new RegExp(`jarvis: ${join(loose, 'api-token')}: mode 0644 lets group or others use it; it must be 0600`));
    assert.ok(!gateway.log().includes('readable-by-all'));
  });
});
