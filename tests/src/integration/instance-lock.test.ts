import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

/** Long enough that a start which waited out the TTL could not pass for a prompt one. */
const TTL_SECONDS = 30;

const dir = mkdtempSync(join(tmpdir(), 'jarvis-lock-'));
const configFile = join(dir, 'jarvis.yaml');
writeFileSync(configFile, `lifecycle:\n  instanceLockTtlSeconds: ${TTL_SECONDS}\n`);

describe('one instance per service', { timeout: 180_000 }, () => {
  let nats: NatsHarness;
  let nc: NatsConnection;
  let locks: KV;
  let launched = 0;

  function jarvis(targets: string): TrackedProcess {
    launched += 1;
    return spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', targets], {
      env: { ...process.env, NATS_URL: nats.url, JARVIS_CONFIG: configFile, JARVIS_HTTP_PORT: '0', JARVIS_DATA_DIR: join(dir, 'data') },
      logFile: join(dir, `${targets}.${launched}.log`),
      cwd: REPO_ROOT,
    });
  }

  async function started(proc: TrackedProcess, timeoutMs: number): Promise<void> {
    await waitFor(`pid ${proc.pid} to start`, () => {
      if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
      return proc.log().includes('started ');
    }, timeoutMs);
  }

  async function exitCode(proc: TrackedProcess, timeoutMs: number): Promise<number | null> {
    await waitFor(`pid ${proc.pid} to exit`, () => proc.child.exitCode !== null || proc.child.signalCode !== null, timeoutMs);
    return proc.exited();
  }

  async function holderOf(service: string): Promise<{ revision: number; pid: number; host: string }> {
    const entry = await locks.get(service);
    assert.ok(entry && entry.operation === 'PUT', `no lock entry for ${service}`);
    const holder = entry.json<{ pid: number; host: string }>();
    return { revision: entry.revision, pid: holder.pid, host: holder.host };
  }

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
  });

  after(async () => {
    await nc?.close().catch(() => undefined);
    await killAllTracked();
    await nats?.stop();
  });

  let first: TrackedProcess;

  it('refuses a second policy instance with exit 2, naming the service and the holder, while the first keeps working', async () => {
    first = jarvis('policy');
    await started(first, 30_000);
    locks = await new Kvm(nc).open('JARVIS_LOCKS');
    const held = await holderOf('policy');
    assert.equal(held.pid, first.pid);

    const second = jarvis('policy');
    assert.equal(await exitCode(second, 30_000), 2, second.log());
    assert.match(second.log(), new RegExp(`jarvis: policy is already running \\(instance lock held by host \\S+, pid ${first.pid}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)`));
    assert.doesNotMatch(second.log(), /started /);

    assert.equal(first.child.exitCode, null);
    await waitFor('the first instance to renew its lock', async () => (await holderOf('policy')).revision > held.revision, 20_000, 500);
    assert.equal((await holderOf('policy')).pid, first.pid);
    const reply = await nc.request('jarvis.rpc.policy.health', JSON.stringify({ pattern: 'jarvis.rpc.policy.health', data: {}, id: '1' }), { timeout: 5000 });
    assert.equal(reply.json<{ response: { status: string } }>().response.status, 'up');
  });

  let successor: TrackedProcess;

  it('starts a new instance promptly after kill -9 of the holder, taking the lock over', async () => {
    await first.kill9();
    successor = jarvis('policy');
    // Well under the TTL: the successor proved its predecessor dead instead of waiting for the entry to expire.
    await started(successor, TTL_SECONDS * 1000 - 10_000);
    assert.match(successor.log(), new RegExp(`instance lock of policy: took it over from host \\S+, pid ${first.pid}, since [^:]+:[^:]+:[^:]+: pid ${first.pid} no longer exists on this host`));
    assert.equal((await holderOf('policy')).pid, successor.pid);
  });

  it('makes a holder whose lock was taken stop at once and exit non-zero, loudly', async () => {
    const intruder = { instance: 'intruder', host: 'elsewhere', pid: 77, pidNamespace: null, since: '2026-11-28T00:00:00.000Z' };
    await locks.put('policy', JSON.stringify(intruder));
    const code = await exitCode(successor, 30_000);
    assert.equal(code, 1, successor.log());
    assert.match(successor.log(), /jarvis: FATAL: policy lost its instance lock to host elsewhere, pid 77, since 2026-11-28T00:00:00\.000Z: another instance is consuming its events, so this one stops now/);
    assert.doesNotMatch(successor.log(), /jarvis: stopped/);
  });

  it('waits out a holder it cannot judge (another host, silent) and then starts', async () => {
    const late = jarvis('policy');
    await started(late, TTL_SECONDS * 2000);
    assert.equal((await holderOf('policy')).pid, late.pid);
    assert.equal(await late.stop('SIGTERM'), 0, late.log());
    const released = await locks.get('policy');
    assert.notEqual(released?.operation, 'PUT', 'a clean stop releases the lock');
  });

  it('lets several gateways run side by side: they hold no lock', async () => {
    const gateways = [jarvis('gateway'), jarvis('gateway')];
    await Promise.all(gateways.map((g) => started(g, 30_000)));
    for (const gateway of gateways) assert.equal(await gateway.stop('SIGTERM'), 0, gateway.log());
  });
});
