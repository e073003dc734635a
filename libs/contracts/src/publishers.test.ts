import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_TYPES } from './catalog.js';
import { EVENT_ROUTES, PROCESSOR_SERVICES, RPC_ROUTES, eventsPublishedBy, rpcRequestedBy, rpcServedBy } from './publishers.js';
import { RPC } from './rpc.js';
import { SERVICE_NAMES } from './services.js';

describe('EVENT_ROUTES / RPC_ROUTES', () => {
  it('gives every event type at least one publisher and names only known services', () => {
    for (const type of EVENT_TYPES) {
      const route = EVENT_ROUTES[type];
      assert.ok(route.publishedBy.length > 0, type);
      for (const service of [...route.publishedBy, ...route.handledBy]) assert.ok(SERVICE_NAMES.includes(service), `${type}: ${service}`);
    }
  });

  it('keeps the rules of the issue: only the policy decides, only the monitor detects, only the executor acts on a decision', () => {
    assert.deepEqual(EVENT_ROUTES.RemediationDecided.publishedBy, ['policy']);
    assert.deepEqual(EVENT_ROUTES.DetectionRecorded.publishedBy, ['monitor']);
    assert.deepEqual(EVENT_ROUTES.RemediationDecided.handledBy.filter((s) => s !== 'audit'), ['executor']);
    assert.deepEqual([...EVENT_ROUTES.IncidentEscalated.publishedBy], [...PROCESSOR_SERVICES], 'any processor may give up on an event');
  });

  it('answers each request subject with exactly one service, once, and the gateway asks', () => {
    const subjects = RPC_ROUTES.map((route) => route.subject);
    assert.equal(new Set(subjects).size, subjects.length);
    for (const service of SERVICE_NAMES) assert.ok(subjects.includes(RPC.health(service)), service);
    for (const subject of [RPC.auditIncidents, RPC.auditIncident, RPC.monitorTargets, RPC.monitorDiagnose]) assert.ok(subjects.includes(subject), subject);
    // Only the executor asks for an edit to be applied: the gateway may preview one, never write it.
    assert.deepEqual(RPC_ROUTES.filter((route) => !rpcRequestedBy('gateway').includes(route)).map((route) => route.subject), [RPC.configApply]);
    assert.deepEqual(rpcRequestedBy('executor').map((route) => route.subject), [RPC.configApply]);
    assert.deepEqual(rpcRequestedBy('monitor'), []);
  });

  it('lists what one service publishes and answers', () => {
    assert.deepEqual(eventsPublishedBy('policy'), ['RemediationDecided', 'IncidentEscalated', 'ApprovalRequested', 'ApprovalExpired', 'ApprovalRefused']);
    assert.deepEqual(eventsPublishedBy('gateway'), ['ApprovalGranted', 'ApprovalRejected', 'ApprovalRefused']);
    assert.deepEqual(rpcServedBy('audit').map((route) => route.subject), [RPC.health('audit'), RPC.auditIncidents, RPC.auditIncident, RPC.auditReliability]);
  });
});
