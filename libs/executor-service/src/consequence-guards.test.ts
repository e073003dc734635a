import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent, derivedId, type JarvisEvent, type JarvisEventOf, type TargetRef } from '@jarvis/contracts';
import type { RemediationAction } from '@jarvis/registry';
import { judgeDecision, type GuardRules } from './decision-guards.js';
import { evolveExecutor, initialExecutorState } from './executor-state.js';

const T0 = Date.parse('2026-11-29T06:00:00.000Z');
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const RULES: GuardRules = { maxDecisionAgeMs: 120_000, autonomy: { autoRestart: true, maxAutonomousRisk: 'medium' } };
const CASE = derivedId('test', 'ddclient-case');
const DDCLIENT: TargetRef = { kind: 'ddclient', id: 'lab' };
const DNS: TargetRef = { kind: 'dns_record', id: 'www.lab.test' };
const OTHER_DNS: TargetRef = { kind: 'dns_record', id: 'mail.lab.test' };

class NoParams {}
/** Only the identity of an action matters to the guards: they never run it. */
const remediateDns = { name: 'infrastructure_remediate_dns', kind: 'dns_record', risk: 'low', params: NoParams } as unknown as RemediationAction;
const ACTIONS = new Map([[remediateDns.name, remediateDns]]);

const key = (target: TargetRef) => `${target.kind}:${target.id}`;

function event<T extends JarvisEvent['type']>(type: T, target: TargetRef, seconds: number, data: object, label: string = type): JarvisEventOf<T> {
  return createEvent({ id: derivedId('test', label, String(seconds)), type, source: 'monitor', time: iso(seconds), subject: key(target), correlationId: CASE, causationId: null, data: { target, ...data } } as never) as JarvisEventOf<T>;
}

const opened = () => event('IncidentOpened', DDCLIENT, 0, { check: 'ddclient_update', detectionId: derivedId('det'), faultAt: iso(0), summary: 'BADSIG' });
const linked = (target = DNS, check = 'dns_resolution') => event('ConsequenceLinked', target, 1, { check, reason: 'no record', faultAt: iso(1), chain: [key(target), key(DDCLIENT)] }, `linked-${key(target)}-${check}`);
const recovered = () => event('ConsequenceRecovered', DNS, 20, { check: 'dns_resolution', reason: 'resolves' });

function decision(label: string, seconds: number, overrides: { target?: TargetRef; consequenceCheck?: string | null } = {}): JarvisEventOf<'RemediationDecided'> {
  const target = overrides.target ?? DNS;
  const check = overrides.consequenceCheck === undefined ? 'dns_resolution' : overrides.consequenceCheck;
  return createEvent({
    id: derivedId('decision', label),
    type: 'RemediationDecided',
    source: 'policy',
    time: iso(seconds),
    subject: key(target),
    correlationId: CASE,
    causationId: null,
    data: { target, action: remediateDns.name, params: {}, risk: 'low', outcome: 'execute', rule: 'consequence_remediation', reason: 'root verified', attempt: 2, notBefore: iso(seconds), ...(check === null ? {} : { consequenceCheck: check }) },
  });
}

function refusalOf(events: JarvisEvent[], judged: JarvisEventOf<'RemediationDecided'>, nowSeconds: number) {
  const state = initialExecutorState();
  for (const fact of events) evolveExecutor(state, fact, 3_600_000);
  const verdict = judgeDecision(state, judged, ACTIONS, new Date(T0 + nowSeconds * 1000), RULES);
  return 'refused' in verdict ? verdict.refused : null;
}

describe("the executor's guards on a consequence's remediation under its root's case", () => {
  it('given a failing consequence of an open case, when its pending decision names it, then it is trusted', () => {
    const d = decision('ok', 10);
    assert.equal(refusalOf([opened(), linked(), d], d, 11), null);
  });

  it('given a decision on the consequence target without naming it as a consequence, then no_open_case (it is not the case target)', () => {
    const d = decision('unnamed', 10, { consequenceCheck: null });
    assert.equal(refusalOf([opened(), linked(), d], d, 11)?.refusal, 'no_open_case');
  });

  it('given a forged decision for a target never linked to the case, then no_open_case naming it', () => {
    const d = decision('forged', 10, { target: OTHER_DNS });
    const refusal = refusalOf([opened(), linked(), d], d, 11);
    assert.equal(refusal?.refusal, 'no_open_case');
    assert.match(refusal!.reason, /dns_record:mail\.lab\.test with dns_resolution failing as a consequence/);
  });

  it('given a decision naming another check than the one linked, then no_open_case', () => {
    const d = decision('other-check', 10, { consequenceCheck: 'dns_drift' });
    assert.equal(refusalOf([opened(), linked(), d], d, 11)?.refusal, 'no_open_case');
  });

  it('given the consequence recovered, when its decision arrives, then no_open_case', () => {
    const d = decision('late', 10);
    assert.equal(refusalOf([opened(), linked(), d, recovered()], d, 21)?.refusal, 'no_open_case');
  });

  it('given a second decision forged beside the pending one, then not_the_pending_decision', () => {
    const pending = decision('pending', 10);
    const forged = decision('forged-second', 10);
    assert.equal(refusalOf([opened(), linked(), pending], forged, 11)?.refusal, 'not_the_pending_decision');
  });

  it('given a stale consequence decision, then decision_stale', () => {
    const d = decision('stale', 10);
    assert.equal(refusalOf([opened(), linked(), d], d, 200)?.refusal, 'decision_stale');
  });

  it('given the case escalated (the grace ran out), then no_open_case', () => {
    const d = decision('escalated', 10);
    const escalated = event('IncidentEscalated', DDCLIENT, 11, { rule: 'consequence_unrecovered', reason: 'overdue', attempts: 1 });
    assert.equal(refusalOf([opened(), linked(), d, escalated], d, 12)?.refusal, 'no_open_case');
  });
});
