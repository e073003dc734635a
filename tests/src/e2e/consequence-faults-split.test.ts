import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { REMEDIATE_SSL } from '@jarvis/registry';
import { DDCLIENT, useDnsScenario } from '../support/dns-scenario.js';
import { onEventPublished, type EventTrigger } from '../support/event-trigger.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import { runJarvisCli } from '../support/jarvis-cli.js';
import { exactlyOnceProblems } from '../support/store-invariants.js';
import { settled } from '../support/store-settled.js';
import { waitFor } from '../support/processes.js';

/** Long enough for a consumer to notice its peer gone, short enough to keep the file's runtime down. */
const DOWN_MS = 1000;

/**
 * The consequence path of the DNS scenario under faults, in the split shape against the real edge lab: the policy is
 * killed -9 the moment the root's fix is verified (it must still decide the certificate's remediation, once), the
 * executor is killed -9 at that remediation's ActionStarted, and nats-server is killed -9 and restarted while the
 * restarted executor carries the remediation on. The incident still ends `remediated`, with one decision per
 * consequence, one result per started action, no event stored twice, and an audit chain that verifies.
 */
describe('the consequence remediation under kill -9 and a NATS restart (split)', { timeout: 900_000 }, () => {
  // Checkpoints every second, so that verify compares every event with one once the store settles.
  const scenario = useDnsScenario('split', 'consequence-faults', 'audit:\n  checkpointEverySeconds: 1\n');
  const { lab } = scenario;
  const triggers: EventTrigger[] = [];
  const story: string[] = [];

  it('with ddclient publishing, the certificate passes', () => scenario.healthy());

  it('remediates the root and then its consequence through every fault, each fact stored once', async (t) => {
    const request = await scenario.breakSecret();
    const caseId = request.correlationId;
    const policy = lab.jarvis.processOf('policy');
    const executor = lab.jarvis.processOf('executor');
    triggers.push(
      await onEventPublished(lab.nats.url, 'VerificationPassed', (e) => e.correlationId === caseId && e.subject === DDCLIENT, async () => {
        story.push('kill -9 policy at the root\'s VerificationPassed');
        await policy.proc.kill9();
        await sleep(DOWN_MS);
        await lab.jarvis.restart(policy);
      }),
      await onEventPublished(lab.nats.url, 'ActionStarted', (e) => e.correlationId === caseId && e.data.action === REMEDIATE_SSL, async () => {
        story.push(`kill -9 executor at ${REMEDIATE_SSL}'s ActionStarted`);
        await executor.proc.kill9();
        await sleep(DOWN_MS);
        await lab.jarvis.restart(executor);
        story.push('kill -9 nats-server while the restarted executor carries the remediation on');
        await lab.nats.process().kill9();
        await sleep(DOWN_MS);
        await lab.nats.restart();
      }),
    );
    await scenario.grant(request);
    try {
      for (const trigger of triggers) await trigger.fired(420_000);
    } finally {
      for (const trigger of triggers) await trigger.close();
    }
    const resolved = await lab.explained(DDCLIENT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === caseId, 300_000));
    const events = await settledEvents();
    const incident = ofIncident(events, caseId);
    const told = `${story.join('\n')}\n${timeline(incident)}`;
    assert.equal(resolved.data.resolution, 'remediated', told);
    assert.equal(incident.filter((e) => e.type === 'IncidentEscalated').length, 0, told);

    const consequenceDecisions = incident.filter((e): e is JarvisEventOf<'RemediationDecided'> => e.type === 'RemediationDecided' && e.data.consequenceCheck !== undefined);
    const perConsequence = new Map<string, number>();
    for (const d of consequenceDecisions) perConsequence.set(`${d.subject} ${d.data.consequenceCheck}`, (perConsequence.get(`${d.subject} ${d.data.consequenceCheck}`) ?? 0) + 1);
    assert.ok(consequenceDecisions.some((d) => d.data.action === REMEDIATE_SSL), told);
    for (const [consequence, n] of perConsequence) assert.equal(n, 1, `${consequence} decided ${n} times\n${told}`);
    assert.deepEqual(exactlyOnceProblems(events), [], told);
    t.diagnostic(`${story.join('; ')}; ${incident.length} events in the case, ${events.length} in the store`);
  });

  it('passes jarvis audit verify over the whole stream, every event compared with a checkpoint', async () => {
    const stored = (await settledEvents()).length;
    const verified = await waitFor('a checkpoint covering every event', async () => {
      const verify = await runJarvisCli(['audit', 'verify', '--json'], { NATS_URL: lab.nats.url }, 120_000);
      assert.equal(verify.status, 0, verify.stderr + verify.stdout);
      const result = JSON.parse(verify.stdout) as { ok: boolean; verified: number; uncheckpointed: number };
      assert.equal(result.ok, true, verify.stdout);
      assert.equal(result.verified + result.uncheckpointed, stored, verify.stdout);
      return result.verified === stored && result;
    }, 60_000, 2000);
    assert.equal(verified.ok, true);
  });

  /** Every event once nothing was appended for a few seconds: the services caught up after their restarts. */
  async function settledEvents(): Promise<JarvisEvent[]> {
    await settled(lab, 5000);
    return lab.reader.events();
  }
});
