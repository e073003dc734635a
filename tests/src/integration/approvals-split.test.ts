import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ApprovalsReply, JarvisEvent } from '@jarvis/contracts';
import { JetStreamEventLog } from '@jarvis/event-log';
import { pendingApprovalEvents } from '../support/approval-fixtures.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { startSecuredNats, type SecuredNats } from '../support/secured-nats.js';

/**
 * The split shape: policy and gateway in processes of their own, each under its own NATS identity from
 * infra/nats/identities.conf, and the gateway's data folder holding only the token's hash.
 */
describe('approvals in the split shape, under the generated NATS identities', { timeout: 180_000 }, () => {
  let nats: SecuredNats;
  let nc: NatsConnection;
  let log: JetStreamEventLog;
  let policy: TrackedProcess;
  let gateway: TrackedProcess;
  let gatewayData: string;
  let base: string;
  const token = randomBytes(32).toString('base64url');

  before(async () => {
    nats = await startSecuredNats();
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-approvals-split-'));
    gatewayData = join(dir, 'gateway-data');
    mkdirSync(gatewayData, { mode: 0o700 });
    writeFileSync(join(gatewayData, 'api-token.sha256'), `${createHash('sha256').update(token).digest('hex')}\n`, { mode: 0o600 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}/api/jarvis`;
    const common = { ...process.env, NATS_URL: nats.url, JARVIS_CONFIG: '' };
    policy = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'policy'], {
      env: { ...common, ...nats.envOf('policy'), JARVIS_DATA_DIR: join(dir, 'policy-data') },
      logFile: join(dir, 'policy.log'),
      cwd: REPO_ROOT,
    });
    gateway = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'gateway'], {
      env: { ...common, ...nats.envOf('gateway'), JARVIS_DATA_DIR: gatewayData, JARVIS_HTTP_PORT: String(port) },
      logFile: join(dir, 'gateway.log'),
      cwd: REPO_ROOT,
    });
    for (const proc of [policy, gateway]) {
      await waitFor('jarvis to start', () => {
        if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
        return proc.log().includes('started ');
      }, 60_000).catch((error: Error) => assert.fail(`${error.message}\n${proc.log()}`));
    }
    nc = await nats.connectAs('jarvis');
    log = await JetStreamEventLog.open(nc);
  });

  after(async () => {
    await nc?.close();
    await gateway?.stop('SIGTERM');
    await policy?.stop('SIGTERM');
    await nats?.stop();
    await killAllTracked();
  });

  async function events(match: (e: JarvisEvent) => boolean): Promise<JarvisEvent[]> {
    const found: JarvisEvent[] = [];
    for await (const stored of log.readFrom(1)) if (match(stored.event)) found.push(stored.event);
    return found;
  }

  function approve(id: string, authorization?: string): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
    return fetch(`${base}/approvals/${id}/approve`, { method: 'POST', headers, body: JSON.stringify({ by: 'ops' }), signal: AbortSignal.timeout(10_000) });
  }

  it('starts from the hash file alone and never writes a token', () => {
    assert.match(gateway.log(), new RegExp(`API token: checking bearer tokens against ${join(gatewayData, 'api-token.sha256')}`));
    assert.equal(existsSync(join(gatewayData, 'api-token')), false);
  });

  it('records the unauthenticated refusal and the grant under the gateway identity; the policy answers the grant', async () => {
    const { events: pending, request } = pendingApprovalEvents('split-app');
    for (const event of pending) await log.append(event);
    await waitFor('the request to be listed', async () => {
      const reply = (await (await fetch(`${base}/approvals`, { signal: AbortSignal.timeout(10_000) })).json()) as ApprovalsReply;
      return reply.approvals.some((approval) => approval.id === request.id);
    });

    assert.equal((await approve(request.id, 'Bearer wrong')).status, 401);
    const [refusal] = await waitFor('the unauthenticated refusal', async () => {
      const found = await events((e) => e.type === 'ApprovalRefused' && e.data.requestId === request.id);
      return found.length > 0 && found;
    });
    assert.deepEqual([refusal!.source, refusal!.type === 'ApprovalRefused' && refusal!.data.refusal], ['gateway', 'unauthenticated']);

    const granted = await approve(request.id, `Bearer ${token}`);
    assert.equal(granted.status, 202, await granted.clone().text());
    const { grantId } = (await granted.json()) as { grantId: string };
    const [decision] = await waitFor('the decision on the grant', async () => {
      const found = await events((e) => e.type === 'RemediationDecided' && e.data.approvalId === grantId);
      return found.length > 0 && found;
    });
    assert.deepEqual(decision!.type === 'RemediationDecided' && [decision!.source, decision!.data.outcome, decision!.data.rule], ['policy', 'execute', 'approval_granted']);
    assert.deepEqual(nats.violations(), [], 'no identity was refused anything');
  });
});
