import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalDigest, createEvent, derivedId, parseTargetKey, validateEvent, type JarvisEvent, type JarvisEventOf, type TargetRef } from '@jarvis/contracts';
import { decideOnGrant, decideOnUnanswered, expiredApprovals, pendingApprovals } from './decide-approval.js';
import { decideConsequenceRemediation, isConsequenceTrigger } from './decide-consequence.js';
import { decideRemediation } from './decide-remediation.js';
import { RULE, type PolicyRules } from './policy-rules.js';
import { evolvePolicy, initialPolicyState } from './policy-state.js';
import type { ChooseRemediation, RemediationChoice } from './remediation-choice.js';

const T0 = Date.parse('2026-11-29T06:00:00.000Z');
const RETENTION_MS = 168 * 3_600_000;
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

const DDCLIENT = 'ddclient:lab';
const DNS = 'dns_record:www.lab.test';
const TLS = 'tls_certificate:www';
const REMEDIATE_DNS: RemediationChoice = { action: 'infrastructure_remediate_dns', params: {}, risk: 'low' };
const RENEW: RemediationChoice = { action: 'renew_certificate', params: {}, risk: 'low' };

const RULES: PolicyRules = {
  autoRestart: true,
  maxAutonomousRisk: 'medium',
  staleDetectionSeconds: 300,
  approvalExpirySeconds: 3600,
  rateLimit: { maxActions: 60, windowSeconds: 60 },
  breaker: { maxAttempts: 3, windowSeconds: 600 },
  backoff: { initialMs: 1000, maxMs: 4000 },
};

const byCheck: Record<string, RemediationChoice> = { dns_resolution: REMEDIATE_DNS, tls_certificate: RENEW };
const chooseByCheck: ChooseRemediation = (_target, check) => byCheck[check] ?? null;

type Decision = JarvisEventOf<'RemediationDecided'>;

function targetOf(key: string): TargetRef {
  const parsed = parseTargetKey(key);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.target;
}

/** One ddclient incident with the DNS record and the certificate linked as its consequences, as the monitor records it. */
class Case {
  readonly state = initialPolicyState();
  readonly id = derivedId('test-case', 'ddclient');
  private seq = 0;

  constructor(
    private readonly choose: ChooseRemediation = chooseByCheck,
    private readonly rules: PolicyRules = RULES,
  ) {
    this.fold(this.event('IncidentOpened', DDCLIENT, 0, { check: 'ddclient_update', detectionId: derivedId('test-detection'), faultAt: iso(0), summary: 'ddclient:lab: BADSIG' }));
    this.fold(this.event('ConsequenceLinked', DNS, 1, { check: 'dns_resolution', reason: 'no A record', faultAt: iso(1), chain: [DNS, DDCLIENT] }));
    this.fold(this.event('ConsequenceLinked', TLS, 2, { check: 'tls_certificate', reason: 'self-signed', faultAt: iso(2), chain: [TLS, DNS, DDCLIENT] }));
  }

  fold(event: JarvisEvent): JarvisEvent {
    assert.deepEqual(validateEvent(event).ok, true, `${event.type} is a valid event`);
    evolvePolicy(this.state, event, RETENTION_MS);
    return event;
  }

  event<T extends JarvisEvent['type']>(type: T, subject: string, seconds: number, data: object): JarvisEventOf<T> {
    return createEvent({ id: derivedId('test-event', String(this.seq++)), type, source: 'monitor', time: iso(seconds), subject, correlationId: this.id, causationId: null, data: { target: targetOf(subject), ...data } } as never) as JarvisEventOf<T>;
  }

  /** The root's own forced update, decided and started. */
  rootDecision(seconds: number): Decision {
    const data = { action: 'infrastructure_fix_ddclient', params: {}, risk: 'low', outcome: 'execute', rule: RULE.autoRemediation, reason: 'forced update', attempt: 1, notBefore: iso(seconds) };
    return this.fold({ ...this.event('RemediationDecided', DDCLIENT, seconds, data), source: 'policy' }) as Decision;
  }

  /** Delivers a fact: folds it, then asks the policy what it decides about it (the processor's order). */
  deliver(event: JarvisEvent, seconds: number): JarvisEvent[] {
    this.fold(event);
    if (!isConsequenceTrigger(event)) return [];
    const facts = decideConsequenceRemediation(this.state, event, this.rules, at(seconds), this.choose);
    for (const fact of facts) this.fold(fact);
    return facts;
  }

  /** A person's answer to a request, as the gateway records it, and what the policy decides about it. */
  answer(request: JarvisEventOf<'ApprovalRequested'>, seconds: number, answer: { granted: true; digest?: string } | { granted: false }): JarvisEvent[] {
    const fields = { requestId: request.id, by: 'ann' };
    const event = answer.granted
      ? this.fold({ ...this.event('ApprovalGranted', request.subject, seconds, { ...fields, digest: answer.digest ?? request.data.digest }), source: 'gateway' })
      : this.fold({ ...this.event('ApprovalRejected', request.subject, seconds, { ...fields, reason: 'not now' }), source: 'gateway' });
    const facts = event.type === 'ApprovalGranted' ? decideOnGrant(this.state, event, at(seconds)) : decideOnUnanswered(this.state, event as JarvisEventOf<'ApprovalRejected'>, at(seconds));
    for (const fact of facts) this.fold(fact);
    return facts;
  }

  /** The policy's sweep at `seconds`: expired requests are recorded, then each comes back to the policy. */
  sweep(seconds: number): JarvisEvent[] {
    return expiredApprovals(this.state, at(seconds)).flatMap((expired) => {
      this.fold(expired);
      const facts = decideOnUnanswered(this.state, expired, at(seconds));
      for (const fact of facts) this.fold(fact);
      return [expired, ...facts];
    });
  }

  verified(decision: Decision, seconds: number) {
    return this.event('VerificationPassed', decision.subject, seconds, { decisionId: decision.id, evidence: 'passes again' });
  }

  recovered(key: string, check: string, seconds: number) {
    return this.event('ConsequenceRecovered', key, seconds, { check, reason: 'passes' });
  }

  actionFailed(decision: Decision, seconds: number, error: string) {
    return this.event('ActionFailed', decision.subject, seconds, { decisionId: decision.id, action: decision.data.action, error, durationMs: 10 });
  }

  /** Given the root's fix verified: the policy's answer to that verification. */
  rootVerified(seconds: number): JarvisEvent[] {
    const root = this.rootDecision(seconds - 1);
    return this.deliver(this.verified(root, seconds), seconds);
  }
}

function onlyDecision(facts: JarvisEvent[]): Decision {
  assert.deepEqual(facts.map((f) => f.type), ['RemediationDecided']);
  return facts[0] as Decision;
}

describe('consequences remediated under the root case', () => {
  it('given the root verified with the DNS record and the certificate failing, when it is verified, then the DNS record (nearest the root) is remediated first, on the root case', () => {
    const given = new Case();
    const decision = onlyDecision(given.rootVerified(10));
    assert.equal(decision.correlationId, given.id);
    assert.equal(decision.subject, DNS);
    assert.deepEqual(decision.data.target, targetOf(DNS));
    assert.equal(decision.data.action, 'infrastructure_remediate_dns');
    assert.equal(decision.data.consequenceCheck, 'dns_resolution');
    assert.equal(decision.data.outcome, 'execute');
    assert.equal(decision.data.rule, RULE.consequenceRemediation);
    assert.match(decision.data.reason, /ddclient:lab is fixed and verified; dns_record:www\.lab\.test dns_resolution still fails/);
  });

  it('given the DNS record remediated, when its verification passes, then nothing until it recovers; when it recovers, then the certificate is remediated; when that recovers, nothing more', () => {
    const given = new Case();
    const dns = onlyDecision(given.rootVerified(10));
    assert.deepEqual(given.deliver(given.verified(dns, 12), 12), [], 'the record still fails: its own recovery moves on');
    const tls = onlyDecision(given.deliver(given.recovered(DNS, 'dns_resolution', 13), 13));
    assert.equal(tls.subject, TLS);
    assert.equal(tls.data.action, 'renew_certificate');
    assert.equal(tls.data.consequenceCheck, 'tls_certificate');
    assert.deepEqual(given.deliver(given.verified(tls, 20), 20), []);
    assert.deepEqual(given.deliver(given.recovered(TLS, 'tls_certificate', 21), 21), []);
  });

  it('given the root not verified yet, when consequences join or recover, then nothing is decided about them', () => {
    const given = new Case();
    given.rootDecision(5);
    assert.deepEqual(given.deliver(given.recovered(DNS, 'dns_resolution', 6), 6), []);
  });

  it('given a consequence remediation in flight, when another consequence recovers, then nothing new is decided (one decision at a time)', () => {
    const given = new Case();
    onlyDecision(given.rootVerified(10));
    assert.deepEqual(given.deliver(given.recovered(TLS, 'tls_certificate', 11), 11), []);
  });

  it("given the DNS record's remediation, when the action fails, then the incident escalates naming the consequence and the failure", () => {
    const given = new Case();
    const dns = onlyDecision(given.rootVerified(10));
    const facts = given.deliver(given.actionFailed(dns, 12, 'ddclient refused: REFUSED'), 12);
    assert.deepEqual(facts.map((f) => f.type), ['IncidentEscalated']);
    const escalated = facts[0] as JarvisEventOf<'IncidentEscalated'>;
    assert.equal(escalated.correlationId, given.id);
    assert.equal(escalated.subject, DDCLIENT);
    assert.equal(escalated.data.rule, RULE.consequenceRemediationFailed);
    assert.match(escalated.data.reason, /consequence dns_record:www\.lab\.test dns_resolution failed \(infrastructure_remediate_dns failed: ddclient refused: REFUSED\)/);
    assert.deepEqual(given.deliver(given.recovered(DNS, 'dns_resolution', 13), 13), [], 'escalated: a person decides now');
  });

  it("given the certificate's remediation, when its verification fails, then the incident escalates naming it", () => {
    const given = new Case();
    const dns = onlyDecision(given.rootVerified(10));
    given.deliver(given.verified(dns, 11), 11);
    const tls = onlyDecision(given.deliver(given.recovered(DNS, 'dns_resolution', 12), 12));
    const failed = given.event('VerificationFailed', TLS, 40, { decisionId: tls.id, reason: 'still self-signed' });
    const [escalated] = given.deliver(failed, 40) as Array<JarvisEventOf<'IncidentEscalated'>>;
    assert.equal(escalated?.type, 'IncidentEscalated');
    assert.match(escalated!.data.reason, /tls_certificate:www tls_certificate failed \(its verification failed: still self-signed\)/);
  });

  it('given a consequence that recovered by itself before the root was verified, when the root is verified, then only the one still failing is remediated', () => {
    const given = new Case();
    given.fold(given.recovered(DNS, 'dns_resolution', 5));
    const decision = onlyDecision(given.rootVerified(10));
    assert.equal(decision.subject, TLS);
  });

  it('given every consequence recovered by itself, when the root is verified, then no action', () => {
    const given = new Case();
    given.fold(given.recovered(DNS, 'dns_resolution', 5));
    given.fold(given.recovered(TLS, 'tls_certificate', 6));
    assert.deepEqual(given.rootVerified(10), []);
  });

  it("given the DNS record's remediation, when the executor finds it recovered meanwhile (superseded), then no action and no escalation", () => {
    const given = new Case();
    const dns = onlyDecision(given.rootVerified(10));
    const superseded = given.event('DecisionSuperseded', DNS, 11, { decisionId: dns.id, action: dns.data.action, evidence: 'resolves again' });
    assert.deepEqual(given.deliver(superseded, 11), []);
    assert.equal(onlyDecision(given.deliver(given.recovered(DNS, 'dns_resolution', 12), 12)).subject, TLS);
  });

  it('given a consequence whose action went stale unrun, when the refusal arrives, then it is decided again', () => {
    const given = new Case();
    const dns = onlyDecision(given.rootVerified(10));
    const stale = given.event('ActionRefused', DNS, 200, { decisionId: dns.id, action: dns.data.action, refusal: 'decision_stale', reason: 'decided 190s ago' });
    const again = onlyDecision(given.deliver(stale, 200));
    assert.equal(again.subject, DNS);
    assert.notEqual(again.id, dns.id);
  });

  it('given a consequence with no automatic remediation, when the root is verified, then nothing is decided (the grace escalates)', () => {
    assert.deepEqual(new Case(() => null).rootVerified(10), []);
  });

  it("given the rate limit spent (by the root's own action), when the root is verified, then nothing is decided", () => {
    assert.deepEqual(new Case(chooseByCheck, { ...RULES, rateLimit: { maxActions: 1, windowSeconds: 60 } }).rootVerified(10), []);
  });

  it('given a trigger already decided, when it is redelivered, then nothing twice', () => {
    const given = new Case();
    const root = given.rootDecision(9);
    const verified = given.verified(root, 10);
    onlyDecision(given.deliver(verified, 10));
    assert.deepEqual(decideConsequenceRemediation(given.state, verified, RULES, at(11), chooseByCheck), []);
  });

  it("given a consequence's action failed, when the root's own decision path sees it, then it decides nothing (not the root's trigger)", () => {
    const given = new Case();
    const dns = onlyDecision(given.rootVerified(10));
    const failed = given.fold(given.actionFailed(dns, 12, 'boom')) as JarvisEventOf<'ActionFailed'>;
    const restart: ChooseRemediation = () => REMEDIATE_DNS;
    assert.deepEqual(decideRemediation(given.state, failed, RULES, at(12), { choose: restart, chooseScheduled: () => null }), []);
    assert.notEqual(given.state.incidents.get(given.id)?.lastTrigger?.id, failed.id);
  });

  it('given two consequences equally near the root, the first with no automatic remediation, when the root is verified, then the other one is remediated', () => {
    const given = new Case((_target, check) => (check === 'caddy_certificates' ? { action: 'infrastructure_remediate_ssl', params: {}, risk: 'low' } : null));
    given.fold(given.recovered(DNS, 'dns_resolution', 3));
    given.fold(given.event('ConsequenceLinked', 'caddy:lab', 4, { check: 'caddy_certificates', reason: 'no certificate', faultAt: iso(4), chain: ['caddy:lab', DNS, DDCLIENT] }));
    const decision = onlyDecision(given.rootVerified(10));
    assert.equal(decision.subject, 'caddy:lab');
    assert.equal(decision.data.action, 'infrastructure_remediate_ssl');
  });
});


const HIGH_RISK_DNS: RemediationChoice = { ...REMEDIATE_DNS, params: { force: true }, risk: 'high' };
const dnsNeedsApproval: ChooseRemediation = (_target, check) => (check === 'dns_resolution' ? HIGH_RISK_DNS : (byCheck[check] ?? null));

type Request = JarvisEventOf<'ApprovalRequested'>;
type Escalation = JarvisEventOf<'IncidentEscalated'>;

/** Given the root verified and the DNS record's remediation above the autonomy: what the policy asked. */
function askedForDns(): { given: Case; asked: Decision; request: Request } {
  const given = new Case(dnsNeedsApproval);
  const facts = given.rootVerified(10);
  assert.deepEqual(facts.map((f) => f.type), ['RemediationDecided', 'ApprovalRequested']);
  return { given, asked: facts[0] as Decision, request: facts[1] as Request };
}

describe('a consequence whose remediation needs a person: approval under the root case', () => {
  it('given the root verified, then a needs_approval decision and a request naming the consequence, its digest covering the check, expiring after approvalExpirySeconds', () => {
    const { given, asked, request } = askedForDns();
    assert.deepEqual([asked.subject, asked.correlationId, asked.data.outcome, asked.data.rule, asked.data.consequenceCheck], [DNS, given.id, 'needs_approval', RULE.approvalRequired, 'dns_resolution']);
    assert.match(asked.data.reason, /ddclient:lab is fixed and verified; dns_record:www\.lab\.test dns_resolution still fails: .*needs approval/);
    assert.deepEqual([request.correlationId, request.causationId, request.data.consequenceCheck, request.data.expiresAt], [given.id, asked.id, 'dns_resolution', iso(10 + RULES.approvalExpirySeconds)]);
    const about = { action: HIGH_RISK_DNS.action, target: targetOf(DNS), params: HIGH_RISK_DNS.params };
    assert.equal(request.data.digest, approvalDigest({ ...about, consequenceCheck: 'dns_resolution' }));
    assert.notEqual(request.data.digest, approvalDigest(about), "a grant of the same action as a root's is not this one");
    const [listed] = pendingApprovals(given.state, at(11));
    assert.deepEqual([listed?.id, listed?.caseId, listed?.target, listed?.consequenceCheck], [request.id, given.id, DNS, 'dns_resolution']);
  });

  it('given the request pending, when the consequence is linked again, another recovers or a trigger is redelivered, then nothing more is asked or decided', () => {
    const { given } = askedForDns();
    given.fold(given.event('ConsequenceLinked', DNS, 20, { check: 'dns_resolution', reason: 'still no A record', faultAt: iso(20), chain: [DNS, DDCLIENT] }));
    assert.deepEqual(given.deliver(given.recovered(TLS, 'tls_certificate', 21), 21), []);
    assert.equal(pendingApprovals(given.state, at(22)).length, 1);
  });

  it('given the request, when a person grants it, then one execute decision citing the grant with the consequence named; the grant replayed runs nothing', () => {
    const { given, request } = askedForDns();
    const facts = given.answer(request, 100, { granted: true });
    const decision = onlyDecision(facts);
    assert.deepEqual([decision.subject, decision.correlationId, decision.data.outcome, decision.data.rule, decision.data.consequenceCheck, decision.data.action], [DNS, given.id, 'execute', RULE.approvalGranted, 'dns_resolution', HIGH_RISK_DNS.action]);
    assert.ok(decision.data.approvalId);
    const grant = [...given.state.grants.values()][0]!;
    assert.deepEqual(decideOnGrant(given.state, grant, at(101)), [], 'answered once');
    const again = given.answer(request, 102, { granted: true });
    assert.deepEqual(again.map((f) => f.type), ['ApprovalRefused'], 'a second grant of a used request executes nothing');
    assert.deepEqual(pendingApprovals(given.state, at(103)), []);
    const failed = given.actionFailed(decision, 110, 'nsupdate refused');
    const [escalation] = given.deliver(failed, 110) as Escalation[];
    assert.equal(escalation?.data.rule, RULE.consequenceRemediationFailed, 'its failure escalates as any consequence remediation');
  });

  it('given the request, when a grant names another digest, then it is refused and nothing runs', () => {
    const { given, request } = askedForDns();
    const facts = given.answer(request, 100, { granted: true, digest: approvalDigest({ action: HIGH_RISK_DNS.action, target: targetOf(DNS), params: HIGH_RISK_DNS.params }) });
    assert.deepEqual(facts.map((f) => [f.type, (f as JarvisEventOf<'ApprovalRefused'>).data.refusal]), [['ApprovalRefused', 'digest_mismatch']]);
  });

  it('given the request, when a person rejects it, then the incident escalates at once naming the consequence, once', () => {
    const { given, request } = askedForDns();
    const [escalation, ...more] = given.answer(request, 100, { granted: false }) as Escalation[];
    assert.deepEqual(more, []);
    assert.deepEqual([escalation?.type, escalation?.correlationId, escalation?.subject, escalation?.data.rule], ['IncidentEscalated', given.id, DDCLIENT, RULE.consequenceNotApproved]);
    assert.match(escalation!.data.reason, /consequence dns_record:www\.lab\.test dns_resolution \(infrastructure_remediate_dns\) was rejected by ann: not now/);
    const rejection = given.state.approvals.get(request.id);
    assert.equal(rejection?.status, 'rejected');
    assert.deepEqual(given.sweep(10 + RULES.approvalExpirySeconds + 1), [], 'a rejected request does not expire later');
    assert.deepEqual(given.deliver(given.recovered(TLS, 'tls_certificate', 200), 200), [], 'escalated: a person decides from here');
  });

  it('given the request, when nobody answers before it expires, then the sweep expires it and the incident escalates naming the consequence', () => {
    const { given } = askedForDns();
    assert.deepEqual(given.sweep(10 + RULES.approvalExpirySeconds - 1), [], 'not yet');
    const facts = given.sweep(10 + RULES.approvalExpirySeconds);
    assert.deepEqual(facts.map((f) => f.type), ['ApprovalExpired', 'IncidentEscalated']);
    const escalation = facts[1] as Escalation;
    assert.equal(escalation.data.rule, RULE.consequenceNotApproved);
    assert.match(escalation.data.reason, new RegExp(`consequence ${DNS.replace(/\./g, '\\.')} dns_resolution .* was not answered before ${iso(10 + RULES.approvalExpirySeconds)}`));
    assert.deepEqual(given.sweep(10 + RULES.approvalExpirySeconds + 60), [], 'expires once');
  });

  it('given the request, when the consequence recovers by itself, then the request is withdrawn: the next consequence goes on, a late grant runs nothing, no expiry or escalation follows', () => {
    const { given, request } = askedForDns();
    const next = onlyDecision(given.deliver(given.recovered(DNS, 'dns_resolution', 50), 50));
    assert.deepEqual([next.subject, next.data.outcome, next.data.consequenceCheck], [TLS, 'execute', 'tls_certificate']);
    assert.equal(given.state.approvals.get(request.id)?.status, 'withdrawn');
    assert.deepEqual(pendingApprovals(given.state, at(51)), []);
    const late = given.answer(request, 60, { granted: true });
    assert.deepEqual(late.map((f) => [f.type, (f as JarvisEventOf<'ApprovalRefused'>).data.refusal]), [['ApprovalRefused', 'not_pending']]);
    assert.match((late[0] as JarvisEventOf<'ApprovalRefused'>).data.reason, /withdrawn/);
    assert.deepEqual(given.answer(request, 61, { granted: false }), [], 'a late rejection escalates nothing');
    assert.deepEqual(given.sweep(10 + RULES.approvalExpirySeconds + 1), []);
  });

  it('given two consequences equally near the root, one needing approval, then the one that runs alone goes first and the request waits for its outcome', () => {
    const given = new Case((_target, check) => (check === 'dns_resolution' ? HIGH_RISK_DNS : check === 'caddy_certificates' ? { action: 'infrastructure_remediate_ssl', params: {}, risk: 'low' } : null));
    given.fold(given.event('ConsequenceLinked', 'caddy:lab', 4, { check: 'caddy_certificates', reason: 'no certificate', faultAt: iso(4), chain: ['caddy:lab', DDCLIENT] }));
    const first = onlyDecision(given.rootVerified(10));
    assert.equal(first.subject, 'caddy:lab');
    const facts = given.deliver(given.verified(first, 20), 20);
    assert.deepEqual(facts.map((f) => f.type), ['RemediationDecided', 'ApprovalRequested']);
    assert.equal(facts[0]?.subject, DNS);
  });
});

describe("a consequence decision's refusal counts only when the policy made that decision in that case", () => {
  // `settles`: a refusal of the pending decision in every respect but its reason settles it: nothing refuses it twice.
  const rows: Array<{ name: string; refusal: (dns: Decision, given: Case) => JarvisEvent; decidesAgain: boolean; settles: boolean }> = [
    { name: 'its own decision, action and target, stale', refusal: (dns, given) => refused(given, dns, {}), decidesAgain: true, settles: true },
    { name: 'another decision id', refusal: (dns, given) => refused(given, dns, { decisionId: derivedId('forged') }), decidesAgain: false, settles: false },
    { name: 'another action', refusal: (dns, given) => refused(given, dns, { action: 'restart_caddy' }), decidesAgain: false, settles: false },
    { name: 'another target', refusal: (dns, given) => refused(given, dns, { target: targetOf(TLS) }), decidesAgain: false, settles: false },
    { name: 'another case', refusal: (dns, given) => ({ ...refused(given, dns, {}), correlationId: derivedId('another-case') }), decidesAgain: false, settles: false },
    { name: 'another refusal than stale', refusal: (dns, given) => refused(given, dns, { refusal: 'no_open_case' }), decidesAgain: false, settles: true },
  ];
  for (const row of rows) {
    it(`given the DNS record's decision in flight, when a refusal names ${row.name}, then ${row.decidesAgain ? 'it is decided again, once' : 'nothing is decided'}`, () => {
      const given = new Case();
      const dns = onlyDecision(given.rootVerified(10));
      const facts = given.deliver(row.refusal(dns, given), 200);
      assert.deepEqual(facts.map((f) => [f.type, f.subject]), row.decidesAgain ? [['RemediationDecided', DNS]] : []);
      const replayed = given.deliver(refused(given, dns, {}), 201);
      assert.deepEqual(replayed.map((f) => f.type), row.settles ? [] : ['RemediationDecided'], 'a second refusal of the same decision re-opens nothing; after a forged one the genuine one still counts');
      assert.deepEqual(given.deliver(refused(given, dns, {}), 202), [], 'and only once');
    });
  }
});

describe('a stale refusal of a consequence decision that already settled', () => {
  it('given the DNS record remediated and verified but still failing, when a decision_stale refusal of it arrives, then nothing is decided again', () => {
    const given = new Case();
    const dns = onlyDecision(given.rootVerified(10));
    assert.deepEqual(given.deliver(given.verified(dns, 20), 20), []);
    assert.deepEqual(given.deliver(refused(given, dns, {}), 200), [], 'the executor refuses only a decision it has not run: this one ran');
  });
});

function refused(given: Case, decision: Decision, overrides: Record<string, unknown>): JarvisEvent {
  const data = { decisionId: decision.id, action: decision.data.action, refusal: 'decision_stale', reason: 'decided 190s ago', ...overrides };
  return { ...given.event('ActionRefused', DNS, 200, data), source: 'executor' };
}
