import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CheckResultView, DiagnoseReply, IncidentListReply, IncidentView, ReliabilityReply } from '@jarvis/contracts';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import { runJarvisCli } from '../support/jarvis-cli.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { waitFor } from '../support/processes.js';

const DDCLIENT = 'ddclient:lab';
const HOST = 'www.lab.jarvis.test';
const DNS = `dns_record:${HOST}`;
const TLS = 'tls_certificate:www';
const LINK_TIMEOUT_MS = 120_000;

function configFor(edge: EdgeLab, ddclientLog: string): string {
  return `
ddclient:
  name: lab
  config: ${edge.paths.ddclientConf}
  cache: ${edge.paths.ddclientCache}
  log: ${ddclientLog}
  intervalSeconds: 10
  runTimeoutSeconds: 30
dns:
  records:
    - domain: ${HOST}
      expectedFrom: ddclient
      authoritative: ["127.0.0.1:${edge.ports.dns}"]
      resolvers: ["127.0.0.1:${edge.ports.resolver}"]
      timeoutMs: 500
      tries: 1
      intervalSeconds: 5
tls:
  endpoints:
    - name: www
      host: ${HOST}
      address: 127.0.0.1
      port: ${edge.ports.https}
      timeoutMs: 2000
      intervalSeconds: 5
probes:
  failuresBeforeDetection: 2
  passesBeforeRecovery: 2
`;
}

/**
 * The original scenario's fault against the real edge lab: ddclient.conf names a key file with a mistyped secret,
 * so ddclient's updates fail (BADSIG), the name is never published and Caddy gets no certificate for it. The three
 * failures are one incident rooted in ddclient, whichever check notices first.
 */
export function edgeCorrelationSuite(shape: Shape): void {
  describe(`one incident rooted in ddclient at the edge (${shape})`, { timeout: 300_000 }, () => {
    let edge: EdgeLab;
    let ddclientLog = '';
    const lab = useLab(shape, () => configFor(edge, ddclientLog), {
      beforeJarvis: async () => {
        edge = await startEdgeLab();
        ddclientLog = join(edge.paths.dir, 'ddclient.log');
        edge.breakSecret('config');
        const run = await edge.runDdclient();
        // What ddclient's own scheduled run leaves in the log the check reads.
        writeFileSync(ddclientLog, `${run.output}\n`);
      },
    });
    const api = () => ({ JARVIS_API_URL: `http://127.0.0.1:${lab.jarvis.httpPort}` });
    let rootId = '';

    /** Every check run now, by the monitor (POST /api/jarvis/diagnose). */
    async function diagnosed(target: string): Promise<CheckResultView | undefined> {
      const response = await fetch(`http://127.0.0.1:${lab.jarvis.httpPort}/api/jarvis/diagnose`, { method: 'POST', signal: AbortSignal.timeout(40_000) });
      return ((await response.json()) as DiagnoseReply).results.find((r) => r.target === target);
    }

    after(async () => {
      await edge?.stop();
    });

    it('links the DNS record and the certificate to the ddclient incident as consequences, with their chains, and counts one incident', async () => {
      const root = await lab.explained(DDCLIENT, lab.reader.waitForEvent('IncidentOpened', (e) => e.subject === DDCLIENT, LINK_TIMEOUT_MS));
      rootId = root.correlationId;
      const linked = (subject: string) => lab.explained(subject, lab.reader.waitForEvent('ConsequenceLinked', (e) => e.subject === subject && e.correlationId === rootId, LINK_TIMEOUT_MS));
      const [dns, tls] = [await linked(DNS), await linked(TLS)];
      assert.deepEqual(dns.data.chain, [DNS, DDCLIENT]);
      assert.deepEqual(tls.data.chain, [TLS, DNS, DDCLIENT]);
      assert.match(dns.data.reason, /NXDOMAIN/);

      // Whichever failed before ddclient's detection had an incident of its own for a while: merged into the root,
      // maybe through the other (the certificate's into the record's, the record's into ddclient's).
      const events = await lab.reader.events();
      const mergedAt = new Map<string, string>();
      for (const opened of events.filter((e) => e.type === 'IncidentOpened' && (e.subject === DNS || e.subject === TLS))) {
        let into = opened.correlationId;
        for (let hops = 0; into !== rootId && hops < 3; hops += 1) {
          const merged = await lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === into, 30_000);
          assert.equal(merged.data.resolution, 'merged', timeline(ofIncident(events, into)));
          if (!mergedAt.has(opened.correlationId)) mergedAt.set(opened.correlationId, merged.time);
          into = merged.data.mergedInto!;
        }
        assert.equal(into, rootId, `incident ${opened.correlationId} of ${opened.subject} does not lead to the root`);
      }
      // A consequence is decided about only while it was a failure of its own, before its merge.
      for (const decision of events.filter((e) => e.type === 'RemediationDecided' && e.subject !== DDCLIENT)) {
        const merged = mergedAt.get(decision.correlationId);
        assert.ok(merged !== undefined && decision.time <= merged, `a decision about ${decision.subject} after it became a consequence`);
      }

      const active = await runJarvisCli(['incidents', '--status', 'active', '--json'], api());
      assert.equal(active.status, 0, active.stderr);
      const { incidents } = JSON.parse(active.stdout) as IncidentListReply;
      assert.deepEqual(incidents.map((i) => i.target), [DDCLIENT]);

      const shown = await runJarvisCli(['incident', rootId, '--json'], api());
      const view = JSON.parse(shown.stdout) as IncidentView;
      assert.deepEqual(Object.fromEntries(view.consequences.map((c) => [c.target, [c.state, c.chain.join(' → ')]])), {
        [DNS]: ['failing', `${DNS} → ${DDCLIENT}`],
        [TLS]: ['failing', `${TLS} → ${DNS} → ${DDCLIENT}`],
      });
      const text = await runJarvisCli(['incident', rootId], api());
      assert.match(text.stdout, new RegExp(`Consequences of ${DDCLIENT}`));
      assert.match(text.stdout, new RegExp(`✗ ${TLS} tls_certificate: failing since .*; ${TLS} → ${DNS} → ${DDCLIENT}; `));

      const reliability = (await (await fetch(`http://127.0.0.1:${lab.jarvis.httpPort}/api/jarvis/metrics/reliability`, { signal: AbortSignal.timeout(10_000) })).json()) as ReliabilityReply;
      assert.equal(reliability.incidents.detected, 1, JSON.stringify(reliability.incidents));
    });

    it('once ddclient publishes the name again, records the DNS record\'s recovery in the root incident (expected: what ddclient pushed), and stays open while the certificate fails', async () => {
      assert.ok(rootId, 'the first test found the root incident');
      edge.fixSecret();
      const run = await edge.runDdclient({ force: true });
      assert.equal(run.exitCode, 0, run.output);
      appendFileSync(ddclientLog, `${run.output}\n`);

      const recovered = await lab.explained(DNS, lab.reader.waitForEvent('ConsequenceRecovered', (e) => e.subject === DNS && e.correlationId === rootId, LINK_TIMEOUT_MS));
      assert.match(recovered.data.reason, /expected 127\.0\.0\.1, what ddclient last pushed/);
      await waitFor('ddclient to pass its check again', async () => (await diagnosed(DDCLIENT))?.status === 'ok', 60_000, 2000);
      // Its certificate is not trusted here (pebble's root is not among the CAs the check may read): it keeps failing.
      assert.equal((await diagnosed(TLS))?.status, 'failed');

      const shown = await runJarvisCli(['incident', rootId, '--json'], api());
      const view = JSON.parse(shown.stdout) as IncidentView;
      assert.notEqual(view.status, 'resolved', 'resolved while its certificate fails');
      assert.deepEqual(Object.fromEntries(view.consequences.map((c) => [c.target, c.state])), { [DNS]: 'recovered', [TLS]: 'failing' });
      const resolutions = await lab.reader.events((e) => e.type === 'IncidentResolved' && e.correlationId === rootId);
      assert.deepEqual(resolutions, []);
    });
  });
}
