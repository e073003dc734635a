import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_CATALOG, EVENT_TYPES, RPC_ROUTES } from '@jarvis/contracts';
import { renderAsyncApi, renderEventsDoc } from './event-docs.js';
import { deploymentIdentities } from './identities.js';

const identities = deploymentIdentities({ stream: 'JARVIS_EVENTS', lockBucket: 'L', snapshotBucket: 'S' });

describe('renderEventsDoc', () => {
  const doc = renderEventsDoc(identities, 'gen');

  it('lists every event with its subject, its only publishers and a nats sub line, and every request subject', () => {
    for (const type of EVENT_TYPES) assert.match(doc, new RegExp(`^\\| ${type} \\| \`${EVENT_CATALOG[type].subject.replace(/\./g, '\\.')}\` \\| ${EVENT_CATALOG[type].version} \\| `, 'm'));
    assert.match(doc, /^\| RemediationDecided \| .* \| policy \| executor, audit \| `nats sub 'jarvis\.events\.remediation\.decided'` \|$/m);
    for (const route of RPC_ROUTES) assert.ok(doc.includes(`| \`${route.subject}\` | ${route.servedBy} |`), route.subject);
  });

  it('shows the operator how to watch without the RPC noise, and why not nats stream view', () => {
    assert.match(doc, /--user operator .*--inbox-prefix _INBOX_operator/);
    assert.match(doc, /^nats sub 'jarvis\.events\.>'/m);
    assert.match(doc, /`nats stream view` creates a temporary durable/);
  });
});

describe('renderAsyncApi', () => {
  it('is an AsyncAPI 3 document with a channel and an operation per event and per request subject', () => {
    const api = renderAsyncApi('1.2.3') as { asyncapi: string; info: { version: string }; channels: object; operations: object; components: { messages: object } };
    assert.equal(api.asyncapi, '3.0.0');
    assert.equal(api.info.version, '1.2.3');
    assert.equal(Object.keys(api.channels).length, EVENT_TYPES.length + RPC_ROUTES.length);
    assert.equal(Object.keys(api.operations).length, EVENT_TYPES.length + RPC_ROUTES.length);
    for (const type of EVENT_TYPES) assert.ok(type in api.components.messages, type);
  });
});
