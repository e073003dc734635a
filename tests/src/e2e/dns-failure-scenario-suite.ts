import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { REMEDIATE_SSL } from '@jarvis/registry';
import { CADDY, DDCLIENT, first, labSecrets, TLS, useDnsScenario } from '../support/dns-scenario.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';

/**
 * The original scenario end to end: ddclient.conf gets a mistyped secret after a known-good copy exists, the record
 * vanishes and Caddy (restarted without its certificates) cannot get one. One incident rooted in ddclient; the forced
 * update fails; the credential restore waits for the approval the test gives at once; then the record is verified on
 * the authoritative server, Caddy is made to retry as the certificate's own remediation, the certificate is verified
 * over TLS against pebble's root (trusted through `tls.extraCaFolders`), and the incident resolves `remediated`.
 */
export function dnsFailureScenarioSuite(shape: Shape): void {
  describe(`the DNS failure scenario end to end (${shape})`, { timeout: 900_000 }, () => {
    const scenario = useDnsScenario(shape, 'dns-scenario');
    const { lab, setup, otlp } = scenario;

    it('with ddclient publishing, keeps a known-good copy and gets the certificate, trusted through tls.extraCaFolders', () => scenario.healthy());

    it('breaks the secret: one incident rooted in ddclient, remediated with no human step but the approval, and no canary anywhere', async () => {
      const edge = scenario.edge();
      const host = edge.hosts[0]!;
      const dns = `dns_record:${host}`;
      const request = await scenario.breakSecret();
      const diff = request.data.diff ?? '';
      assert.match(diff, /^-password=\*{8}$/m, diff);
      assert.match(diff, /^\+password=\*{8}$/m, diff);
      await scenario.grant(request);

      const caseId = request.correlationId;
      const resolved = await lab.explained(DDCLIENT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === caseId, 420_000));
      const incident = ofIncident(await lab.reader.events(), caseId);
      const story = timeline(incident);
      assert.equal(resolved.data.resolution, 'remediated', story);
      assert.equal(incident.filter((e) => e.type === 'IncidentOpened').length, 1, story);
      assert.equal(incident.filter((e) => e.type === 'IncidentEscalated').length, 0, story);
      assert.deepEqual(incident.filter((e) => e.type === 'ApprovalGranted').length, 1, 'the approval is the only human step');

      const linked = new Set(incident.filter((e) => e.type === 'ConsequenceLinked').map((e) => e.subject));
      assert.ok(linked.has(dns) && (linked.has(TLS) || linked.has(CADDY)), `the record and the certificate are consequences: ${[...linked].join(', ')}\n${story}`);
      const failedForce = first(incident, 'ActionFailed');
      assert.ok(failedForce, `the forced update failed first\n${story}`);
      assert.deepEqual(incident.map((e) => e.type).filter((t) => t.startsWith('Config')), ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigApplied'], story);
      assert.ok(!readFileSync(edge.paths.ddclientConf, 'utf8').includes(edge.paths.ddclientTypoKey), 'the credentials are restored');
      assert.deepEqual((await edge.dig(host)).answers, [edge.address], 'the record is back on the authoritative server');

      const dnsRecovered = first(incident, 'ConsequenceRecovered', (e) => e.subject === dns);
      const sslDecision = first(incident, 'RemediationDecided', (e) => e.data.action === REMEDIATE_SSL);
      const caddyRecovered = first(incident, 'ConsequenceRecovered', (e) => e.subject === CADDY);
      const tlsRecovered = first(incident, 'ConsequenceRecovered', (e) => e.subject === TLS);
      assert.ok(dnsRecovered && sslDecision && caddyRecovered && tlsRecovered, story);
      assert.equal(sslDecision.subject, CADDY);
      assert.equal(sslDecision.data.consequenceCheck, 'caddy_certificates');
      assert.equal(sslDecision.data.rule, 'consequence_remediation');
      assert.ok(dnsRecovered.time <= sslDecision.time, `Caddy retries once the record resolves\n${story}`);
      assert.ok(first(incident, 'VerificationPassed', (e) => e.data.decisionId === sslDecision.id), story);
      assert.ok(tlsRecovered.time <= resolved.time, story);

      const secrets = [...setup.canaries, ...labSecrets(edge)];
      const places = { 'the event store': JSON.stringify(await lab.reader.events()), 'the process logs': lab.jarvis.logs(), 'the exported spans': JSON.stringify(otlp.spans) };
      assert.ok(otlp.spans.length > 0, 'spans were exported');
      for (const [where, text] of Object.entries(places)) for (const secret of secrets) assert.ok(!text.includes(secret), `${where} holds a secret of ddclient.conf`);
    });
  });
}
