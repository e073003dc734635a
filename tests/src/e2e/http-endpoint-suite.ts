import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { JarvisEventOf } from '@jarvis/contracts';
import { hangMainProcess, runContainer, waitRunning } from '../support/docker-harness.js';
import { countEngineEvents, freshSecond } from '../support/engine-events.js';
import { ofIncident, timeline, type EventReader } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { freePort, waitFor } from '../support/processes.js';

/** Serves /health on the host's loopback from a container that no jarvis.watch label marks: only the endpoint names it. */
function serverCommand(port: number): string[] {
  return ['sh', '-c', `mkdir -p /tmp/www && echo ready > /tmp/www/health && exec httpd -f -p 127.0.0.1:${port} -h /tmp/www`];
}

function configFor(port: number): string {
  return `
endpoints:
  - name: web-app
    url: http://127.0.0.1:${port}/health
    bodyContains: ready
    maxLatencyMs: 800
    timeoutMs: 1000
    intervalSeconds: 2
    container: web-app-server
probes:
  failuresBeforeDetection: 2
  passesBeforeRecovery: 2
executor:
  restartStopTimeoutSeconds: 1
verification:
  timeoutSeconds: 20
`;
}

async function noOpenIncident(reader: EventReader, subject: string): Promise<boolean> {
  const events = await reader.events((e) => e.subject === subject && (e.type === 'IncidentOpened' || e.type === 'IncidentResolved'));
  const opened = new Set(events.filter((e) => e.type === 'IncidentOpened').map((e) => e.correlationId));
  for (const e of events) if (e.type === 'IncidentResolved') opened.delete(e.correlationId);
  return opened.size === 0;
}

async function answers(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
  return response.ok && (await response.text()).includes('ready');
}

/** An app that hangs without a Docker HEALTHCHECK, seen through its HTTP endpoint and healed by restarting its container. */
export function httpEndpointSuite(shape: Shape): void {
  describe(`an HTTP endpoint that starts hanging (${shape})`, { timeout: 300_000 }, () => {
    let port = 0;
    before(async () => {
      port = await freePort();
    });
    // The server answers before Jarvis's first probe, as a running app does when Jarvis is deployed next to it.
    const lab = useLab(shape, () => configFor(port), {
      beforeJarvis: async ({ docker }) => {
        await runContainer(docker.docker, { name: 'web-app-server', cmd: serverCommand(port), network: 'host' });
        await waitRunning(docker.docker, 'web-app-server');
        await waitFor('the endpoint to answer', () => answers(port).catch(() => false), 20_000, 200);
      },
    });

    it('restarts the container that serves it, verifies the endpoint answers again, and resolves one incident', async () => {
      const subject = 'http_endpoint:web-app';
      assert.equal(await noOpenIncident(lab.reader, subject), true, 'healthy from the start');
      const since = await freshSecond();
      const hungAt = await hangMainProcess(lab.docker.docker, 'web-app-server');

      const opened = await lab.explained(subject, lab.reader.waitForEvent('IncidentOpened', (e) => e.subject === subject && Date.parse(e.time) > hungAt.getTime(), 60_000));
      const resolved = await lab.explained(subject, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === opened.correlationId, 90_000));
      const incident = ofIncident(await lab.reader.events(), resolved.correlationId);
      const story = timeline(incident);
      assert.equal(opened.data.check, 'http_health', story);
      assert.match(opened.data.summary, /no answer within 1000 ms/, story);
      const decision = incident.find((e) => e.type === 'RemediationDecided') as JarvisEventOf<'RemediationDecided'>;
      assert.deepEqual([decision.data.outcome, decision.data.action], ['execute', 'restart_serving_container'], story);
      const succeeded = incident.filter((e) => e.type === 'ActionSucceeded') as JarvisEventOf<'ActionSucceeded'>[];
      assert.deepEqual(succeeded.map((e) => e.data.details['container']), ['web-app-server'], story);
      assert.ok(incident.some((e) => e.type === 'VerificationPassed'), story);
      assert.equal(resolved.data.resolution, 'remediated', story);
      assert.equal(await answers(port), true, 'the endpoint answers again');
      assert.equal(await countEngineEvents(lab.docker, 'web-app-server', since, ['restart']), 1, `one restart\n${story}`);
    });
  });
}
