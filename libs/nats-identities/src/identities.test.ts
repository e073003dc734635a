import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_CATALOG, SERVICE_NAMES } from '@jarvis/contracts';
import { ALL_IN_ONE_SHAPE, OPERATOR, SPLIT_SHAPE, deploymentIdentities, identityNames, shapeIdentities, type NatsIdentity } from './identities.js';

const LAYOUT = { stream: 'EVENTS', lockBucket: 'LOCKS', snapshotBucket: 'SNAPS' };
const identities = deploymentIdentities(LAYOUT);
const byName = (name: string): NatsIdentity => identities.find((identity) => identity.name === name)!;

describe('deploymentIdentities', () => {
  it('has one identity per service, the all-in-one union and the operator, each with its own inbox', () => {
    assert.deepEqual(identities.map((i) => i.name), [...SERVICE_NAMES, 'jarvis', OPERATOR]);
    assert.deepEqual(identityNames(), identities.map((i) => i.name));
    assert.deepEqual(identities.map((i) => i.inboxPrefix), identities.map((i) => `_INBOX_${i.name}`));
    for (const identity of identities) assert.deepEqual(identity.subscribe.allow.filter((s) => s.startsWith('_INBOX')), [`_INBOX_${identity.name}.>`]);
  });

  it('grants the all-in-one identity every event and request subject any service needs, and replies to its own inbox', () => {
    const union = shapeIdentities(LAYOUT, ALL_IN_ONE_SHAPE)[0]!;
    const split = shapeIdentities(LAYOUT, SPLIT_SHAPE);
    const needed = split.flatMap((i) => [...i.publish.allow, ...i.subscribe.allow]).filter((s) => s.startsWith('jarvis.'));
    for (const subject of needed) assert.ok([...union.publish.allow, ...union.subscribe.allow].includes(subject), subject);
    assert.ok(union.publish.allow.includes('_INBOX_jarvis.>'));
    assert.ok(!union.publish.allow.includes('_INBOX_gateway.>'));
    assert.ok(byName('monitor').publish.allow.includes('_INBOX_gateway.>'), 'a split responder answers the gateway');
  });

  it('never grants the name-less consumer create, stream deletes, purges or edits, and keeps every service off the durables of others', () => {
    for (const identity of identities) {
      assert.ok(!identity.publish.allow.some((s) => s === '$JS.API.CONSUMER.CREATE.EVENTS' || /STREAM\.(DELETE|PURGE|UPDATE)\.EVENTS|MSG\.DELETE/.test(s)), identity.name);
      for (const forbidden of ['$JS.API.STREAM.DELETE.EVENTS', '$JS.API.STREAM.PURGE.EVENTS', '$JS.API.STREAM.UPDATE.EVENTS', '$JS.API.CONSUMER.CREATE.EVENTS']) {
        assert.ok(identity.publish.deny.includes(forbidden), `${identity.name} denies ${forbidden}`);
      }
    }
    assert.ok(byName('monitor').publish.deny.includes('$JS.API.CONSUMER.*.EVENTS.jarvis-executor'));
    assert.ok(!byName('monitor').publish.deny.includes('$JS.API.CONSUMER.*.EVENTS.jarvis-monitor'));
    assert.ok(byName('monitor').publish.deny.includes('$JS.API.CONSUMER.DELETE.EVENTS.jarvis-monitor'), 'not even its own durable is deleted');
  });

  it('lets the operator read every Jarvis subject and publish on none', () => {
    const operator = byName(OPERATOR);
    assert.ok(operator.subscribe.allow.includes('jarvis.>'));
    const readers = ['$JS.API.CONSUMER.CREATE.EVENTS.*', '$JS.API.CONSUMER.MSG.NEXT.EVENTS.*'];
    const reads = operator.publish.allow.filter((s) => !readers.includes(s));
    assert.ok(reads.every((s) => s.startsWith('$JS.API.') && /\.(INFO|NAMES|LIST|GET)(\.|$)/.test(s)), reads.join(' '));
    assert.ok(!operator.publish.allow.some((s) => s.startsWith('jarvis.') || s.startsWith('$KV.') || s.startsWith('_INBOX') || s.includes('DELETE')));
  });

  it("lets the operator create and pull readers on the event stream, never on a service's durable", () => {
    const operator = byName(OPERATOR);
    assert.ok(operator.publish.allow.includes('$JS.API.CONSUMER.CREATE.EVENTS.*'));
    assert.ok(operator.publish.allow.includes('$JS.API.CONSUMER.MSG.NEXT.EVENTS.*'));
    for (const durable of ['jarvis-monitor', 'jarvis-policy', 'jarvis-executor', 'jarvis-audit']) {
      assert.ok(operator.publish.deny.includes(`$JS.API.CONSUMER.CREATE.EVENTS.${durable}`), durable);
      assert.ok(operator.publish.deny.includes(`$JS.API.CONSUMER.MSG.NEXT.EVENTS.${durable}`), `${durable}: MSG.NEXT`);
      assert.ok(!operator.publish.deny.some((s) => s.includes('INFO')), 'it still reads their state');
    }
    assert.ok(operator.publish.deny.includes('$JS.API.CONSUMER.CREATE.EVENTS'), 'no legacy name-less consumer');
  });

  it('gives the decision subject to the policy alone among the split identities', () => {
    const decision = EVENT_CATALOG.RemediationDecided.subject;
    assert.deepEqual(identities.filter((i) => i.publish.allow.includes(decision)).map((i) => i.name), ['policy', 'jarvis']);
  });
});
