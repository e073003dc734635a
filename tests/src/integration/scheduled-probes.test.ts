import assert from 'node:assert/strict';
import { get, createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Hysteresis, ProbeScheduler, type HysteresisTransition, type ProbeRun } from '@jarvis/schedule';
import { waitFor } from '../support/processes.js';

type Mode = 'healthy' | 'hanging';

const realTimers = {
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};

/** GET without keep-alive (nothing pooled outlives the test); resolves with the status code. */
function statusOf(url: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, signal }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

interface Observed {
  run: ProbeRun<number>;
  transition: HysteresisTransition;
}

describe('scheduled probes against a real HTTP server on loopback', { timeout: 60_000 }, () => {
  let server: Server;
  let url: string;
  let mode: Mode = 'healthy';
  const hanging = new Set<ServerResponse>();

  before(async () => {
    server = createServer((_request, response) => {
      if (mode === 'healthy') response.end('ok');
      else hanging.add(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('detects a server that starts hanging after N timed-out probes, recovers after M passes, and stops cleanly', async () => {
    const timersBefore = activeTimers();
    const hysteresis = new Hysteresis({ failuresToFail: 3, passesToRecover: 2 });
    const observed: Observed[] = [];
    const scheduler = new ProbeScheduler<number>({
      concurrency: 2,
      jitterFraction: 0.1,
      random: Math.random,
      timers: realTimers,
      stopGraceMs: 1000,
      onResult: (run) => {
        const passed = run.outcome.ok && run.outcome.value === 200;
        observed.push({ run, transition: hysteresis.record(run.key, passed) });
      },
    });
    scheduler.add({ key: 'http:app/health', intervalMs: 60, timeoutMs: 150, run: (signal) => statusOf(url, signal) });
    scheduler.start();

    await waitFor('three healthy results', () => observed.length >= 3, 10_000, 20);
    assert.ok(observed.every((o) => o.transition === 'unchanged' && o.run.outcome.ok && o.run.outcome.value === 200));

    mode = 'hanging';
    const failingAt = await waitFor('became_failing', () => {
      const index = observed.findIndex((o) => o.transition === 'became_failing');
      return index >= 0 ? index : undefined;
    }, 10_000, 20);
    const failures = observed.slice(failingAt - 2, failingAt + 1);
    assert.deepEqual(failures.map((o) => (o.run.outcome.ok ? o.run.outcome.value : o.run.outcome.reason)), [
      'probe error: timed out after 150 ms',
      'probe error: timed out after 150 ms',
      'probe error: timed out after 150 ms',
    ], 'three consecutive timeouts before the detection');
    assert.ok(observed.slice(0, failingAt).every((o) => o.transition === 'unchanged'), 'no earlier report');
    assert.equal(hysteresis.status('http:app/health'), 'failing');

    mode = 'healthy';
    const recoveredAt = await waitFor('recovered', () => {
      const index = observed.findIndex((o) => o.transition === 'recovered');
      return index >= 0 ? index : undefined;
    }, 10_000, 20);
    assert.deepEqual(observed.slice(recoveredAt - 1, recoveredAt + 1).map((o) => o.run.outcome.ok && o.run.outcome.value), [200, 200]);
    assert.deepEqual(observed.filter((o) => o.transition !== 'unchanged').map((o) => o.transition), ['became_failing', 'recovered']);

    assert.deepEqual(await scheduler.stop(), { unsettled: [] });
    assert.equal(activeTimers(), timersBefore, 'stop() left no timer behind');
    assert.ok(scheduler.stats().timeouts >= 3);
    assert.ok(observed.every((o) => o.run.startedAt >= o.run.scheduledAt));
    for (const response of hanging) response.destroy();
  });
});
