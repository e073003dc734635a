import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsInt, Max, Min } from 'class-validator';
import { approvalDigest, containerTarget, createEvent, derivedId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import type { RemediationAction } from '@jarvis/registry';
import { judgeDecision, type GuardRules } from './decision-guards.js';
import { evolveExecutor, initialExecutorState, type ExecutorState } from './executor-state.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const at = (offsetMs: number) => new Date(T0 + offsetMs);
const RULES: GuardRules = { maxDecisionAgeMs: 120_000, autonomy: { autoRestart: true, maxAutonomousRisk: 'medium' } };
const INCIDENT = derivedId('test', 'incident');
const target = containerTarget('web');

const opened = () =>
  createEvent({ id: derivedId('opened'), type: 'IncidentOpened', source: 'monitor', time: iso(0), subject: 'container:web', correlationId: INCIDENT, causationId: null, data: { target, check: 'container_state', detectionId: derivedId('det'), faultAt: iso(0), summary: 'down' } });
const resolved = () =>
  createEvent({ id: derivedId('resolved'), type: 'IncidentResolved', source: 'monitor', time: iso(10), subject: 'container:web', correlationId: INCIDENT, causationId: null, data: { target, resolution: 'recovered', reason: 'up' } });
class RestartParams {
  @IsInt()
  @Min(0)
  @Max(60)
  graceSeconds = 10;
}

/** Only the identity of an action matters to the guards: they never run it. */
const restart = { name: 'restart_container', kind: 'container', risk: 'low', params: RestartParams } as unknown as RemediationAction;
const cleanDisk = { name: 'clean_tmp_files', kind: 'disk', risk: 'medium', params: RestartParams } as unknown as RemediationAction;
const ACTIONS = new Map([restart, cleanDisk].map((a) => [a.name, a]));

/** The refusal the guards record, or null when the decision is trusted. */
function refusalOf(state: ExecutorState, decision: JarvisEventOf<'RemediationDecided'>, now: Date, rules: GuardRules) {
  const judged = judgeDecision(state, decision, ACTIONS, now, rules);
  return 'refused' in judged ? judged.refused : null;
}

type DecisionOverrides = { time?: number; notBefore?: number; correlationId?: string; name?: string; action?: string; params?: Record<string, unknown>; approvalId?: string; consequenceCheck?: string };

const decided = (label: string, overrides: DecisionOverrides = {}) => {
  const named = containerTarget(overrides.name ?? 'web');
  return createEvent({
    id: derivedId('decision', label),
    type: 'RemediationDecided',
    source: 'policy',
    time: iso(overrides.time ?? 0),
    subject: `container:${named.id}`,
    correlationId: overrides.correlationId ?? INCIDENT,
    causationId: null,
    data: { target: named, outcome: 'execute', action: overrides.action ?? 'restart_container', params: overrides.params ?? {}, risk: 'low', rule: 'r', reason: 'x', attempt: 1, notBefore: iso(overrides.notBefore ?? overrides.time ?? 0), ...(overrides.approvalId ? { approvalId: overrides.approvalId } : {}), ...(overrides.consequenceCheck ? { consequenceCheck: overrides.consequenceCheck } : {}) },
  });
};

function given(...events: JarvisEvent[]): ExecutorState {
  const state = initialExecutorState();
  for (const event of events) evolveExecutor(state, event, 3_600_000);
  return state;
}

describe('refusalOf: what the log says against a decision', () => {
  it('given the pending decision of an open incident, fresh and known, then nothing is refused', () => {
    const decision = decided('d1');
    assert.equal(refusalOf(given(opened(), decision), decision, at(1000), RULES), null);
  });

  it('given an action that does not exist, or one of another kind of target, then unknown_action', () => {
    for (const action of ['format_disk', 'clean_tmp_files']) {
      const decision = decided('d1', { action });
      assert.equal(refusalOf(given(opened(), decision), decision, at(1000), RULES)?.refusal, 'unknown_action', action);
    }
  });

  it('given parameters the action does not accept, then invalid_params naming the field', () => {
    for (const params of [{ graceSeconds: 600 }, { graceSeconds: 'soon' }, { rmRf: true }]) {
      const decision = decided('d1', { params });
      const refusal = refusalOf(given(opened(), decision), decision, at(1000), RULES);
      assert.equal(refusal?.refusal, 'invalid_params', JSON.stringify(params));
      assert.match(refusal!.reason, /params\.(graceSeconds|rmRf)/);
    }
  });

  it('given valid parameters, then the action gets them as its own class read them', () => {
    const decision = decided('d1', { params: { graceSeconds: 5 } });
    const judged = judgeDecision(given(opened(), decision), decision, ACTIONS, at(1000), RULES);
    assert.ok(!('refused' in judged));
    assert.ok(judged.params instanceof RestartParams);
    assert.equal((judged.params as RestartParams).graceSeconds, 5);
  });

  it('given a decision older than the maximum age, then decision_stale', () => {
    const decision = decided('d1');
    const refusal = refusalOf(given(opened(), decision), decision, at(120_001), RULES);
    assert.equal(refusal?.refusal, 'decision_stale');
    assert.match(refusal!.reason, /executor\.maxDecisionAgeSeconds/);
  });

  it('given a decision exactly at the maximum age, then it is still fresh', () => {
    const decision = decided('d1');
    assert.equal(refusalOf(given(opened(), decision), decision, at(120_000), RULES), null);
  });

  it('counts the age from notBefore when a backoff put it later than the decision', () => {
    const decision = decided('d1', { time: 0, notBefore: 100_000 });
    assert.equal(refusalOf(given(opened(), decision), decision, at(200_000), RULES), null);
    assert.equal(refusalOf(given(opened(), decision), decision, at(220_001), RULES)?.refusal, 'decision_stale');
  });

  it('given no incident with the decision correlation id, then no_open_case', () => {
    const decision = decided('forged', { correlationId: derivedId('nowhere') });
    assert.equal(refusalOf(given(opened(), decision), decision, at(1000), RULES)?.refusal, 'no_open_case');
  });

  it('given a resolved incident, then no_open_case', () => {
    const decision = decided('d1');
    assert.equal(refusalOf(given(opened(), decision, resolved()), decision, at(1000), RULES)?.refusal, 'no_open_case');
  });

  it('given an open incident of another target, then no_open_case', () => {
    const decision = decided('other', { name: 'db' });
    assert.equal(refusalOf(given(opened(), decision), decision, at(1000), RULES)?.refusal, 'no_open_case');
  });

  it('given an escalated incident, then no_open_case: a person decides now', () => {
    const decision = decided('d1');
    const escalated = createEvent({ id: derivedId('esc'), type: 'IncidentEscalated', source: 'policy', time: iso(5), subject: 'container:web', correlationId: INCIDENT, causationId: decision.id, data: { target, rule: 'decision_timeout', reason: 'x', attempts: 1 } });
    const refusal = refusalOf(given(opened(), decision, escalated), decision, at(1000), RULES);
    assert.equal(refusal?.refusal, 'no_open_case');
    assert.match(refusal!.reason, /escalated/);
  });

  it('given an open incident waiting on another decision, then not_the_pending_decision', () => {
    const pending = decided('d1');
    const forged = decided('forged');
    const state = given(opened(), pending);
    assert.equal(refusalOf(state, forged, at(1000), RULES)?.refusal, 'not_the_pending_decision');
  });
});

describe('refusalOf: an action beyond the autonomy runs only on a matching, unused grant', () => {
  const NEEDS_APPROVAL: GuardRules = { maxDecisionAgeMs: 120_000, autonomy: { autoRestart: false, maxAutonomousRisk: 'medium' } };
  const digest = (params: Record<string, unknown>) => approvalDigest({ action: 'restart_container', target, params });
  const request = (expiresAt = iso(3_600_000)) =>
    createEvent({ id: derivedId('request'), type: 'ApprovalRequested', source: 'policy', time: iso(1), subject: 'container:web', correlationId: INCIDENT, causationId: null, data: { target, decisionId: derivedId('asked'), action: 'restart_container', params: {}, risk: 'low', digest: digest({}), expiresAt, reason: 'autoRestart off' } });
  const grant = (label: string, granted = digest({})) =>
    createEvent({ id: derivedId('grant', label), type: 'ApprovalGranted', source: 'gateway', time: iso(2), subject: 'container:web', correlationId: INCIDENT, causationId: null, data: { target, requestId: derivedId('request'), digest: granted, by: 'alice' } });
  const refusal = (state: ExecutorState, decision: JarvisEventOf<'RemediationDecided'>) => {
    const judged = judgeDecision(state, decision, ACTIONS, at(1000), NEEDS_APPROVAL);
    return 'refused' in judged ? judged.refused : null;
  };

  it('given autoRestart off and no grant cited, then approval_missing', () => {
    const decision = decided('d1');
    assert.equal(refusal(given(opened(), decision), decision)?.refusal, 'approval_missing');
  });

  it('given the grant of the pending request, cited by this decision, then it is trusted', () => {
    const g = grant('g1');
    const decision = decided('d1', { approvalId: g.id });
    assert.equal(refusal(given(opened(), request(), g, decision), decision), null);
  });

  it('given a grant already used by an earlier decision, then approval_missing: a grant executes once', () => {
    const g = grant('g1');
    const first = decided('d1', { approvalId: g.id });
    const replay = decided('d2', { approvalId: g.id });
    const state = given(opened(), request(), g, first, createEvent({ id: derivedId('failed'), type: 'ActionFailed', source: 'executor', time: iso(5), subject: 'container:web', correlationId: INCIDENT, causationId: first.id, data: { target, decisionId: first.id, action: 'restart_container', error: 'x', durationMs: 1 } }), replay);
    const refused = refusal(state, replay);
    assert.equal(refused?.refusal, 'approval_missing');
    assert.match(refused!.reason, /already used/);
  });

  it('given a grant about other parameters, then approval_missing (digest mismatch)', () => {
    const g = grant('g1', digest({ force: true }));
    const decision = decided('d1', { approvalId: g.id });
    assert.match(refusal(given(opened(), request(), g, decision), decision)!.reason, /digest mismatch/);
  });

  it('given a request that expired before the decision, then approval_missing', () => {
    const g = grant('g1');
    const decision = decided('d1', { approvalId: g.id, time: 10 });
    assert.match(refusal(given(opened(), request(iso(5)), g, decision), decision)!.reason, /expired/);
  });
});

describe("refusalOf: a consequence's remediation beyond the autonomy runs only on a grant of exactly that consequence", () => {
  const NEEDS_APPROVAL: GuardRules = { maxDecisionAgeMs: 120_000, autonomy: { autoRestart: false, maxAutonomousRisk: 'medium' } };
  const api = containerTarget('api');
  const linked = createEvent({ id: derivedId('linked'), type: 'ConsequenceLinked', source: 'monitor', time: iso(1), subject: 'container:api', correlationId: INCIDENT, causationId: null, data: { target: api, check: 'http_health', reason: 'its database is down', faultAt: iso(1), chain: ['container:api', 'container:web'] } });
  /** A request and its grant, both naming `digest`, as the policy and the gateway record them. */
  const answered = (digest: string) => [
    createEvent({ id: derivedId('request'), type: 'ApprovalRequested', source: 'policy', time: iso(2), subject: 'container:api', correlationId: INCIDENT, causationId: null, data: { target: api, decisionId: derivedId('asked'), action: 'restart_container', params: {}, risk: 'low', digest, expiresAt: iso(3_600_000), reason: 'autoRestart off', consequenceCheck: 'http_health' } }),
    createEvent({ id: derivedId('grant', 'g1'), type: 'ApprovalGranted', source: 'gateway', time: iso(3), subject: 'container:api', correlationId: INCIDENT, causationId: null, data: { target: api, requestId: derivedId('request'), digest, by: 'alice' } }),
  ];
  const decision = decided('d1', { name: 'api', approvalId: derivedId('grant', 'g1'), consequenceCheck: 'http_health' });
  const judged = (state: ExecutorState) => {
    const verdict = judgeDecision(state, decision, ACTIONS, at(1000), NEEDS_APPROVAL);
    return 'refused' in verdict ? verdict.refused : null;
  };

  it('given the grant of the request whose digest covers the consequence check, then it is trusted', () => {
    const digest = approvalDigest({ action: 'restart_container', target: api, params: {}, consequenceCheck: 'http_health' });
    assert.equal(judged(given(opened(), linked, ...answered(digest), decision)), null);
  });

  it("given a grant whose digest leaves the consequence check out (a root's restart of that target), then approval_missing (digest mismatch)", () => {
    const digest = approvalDigest({ action: 'restart_container', target: api, params: {} });
    assert.match(judged(given(opened(), linked, ...answered(digest), decision))?.reason ?? '', /digest mismatch/);
  });
});
