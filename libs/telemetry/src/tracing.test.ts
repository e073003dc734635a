import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { containerTarget, createEvent, type JarvisEvent } from '@jarvis/contracts';
import { ATTR, MESSAGING } from './names.js';
import { annotateActiveSpan, eventAttributes, inSpan, publishAttributes } from './tracing.js';

const INCIDENT = '3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5e';
const TIME = '2026-01-01T00:00:00.000Z';

function decision(): JarvisEvent {
  return createEvent({
    id: '3b7f3c1e-9d2a-4f7e-8a47-000000000001',
    type: 'RemediationDecided',
    source: 'policy',
    time: TIME,
    subject: 'container:web',
    correlationId: INCIDENT,
    causationId: null,
    data: { target: containerTarget('web'), outcome: 'execute', action: 'restart_container', params: {}, risk: 'low', rule: 'auto_remediation', reason: 'test', attempt: 1, notBefore: TIME },
  });
}

function succeeded(): JarvisEvent {
  return createEvent({
    id: '3b7f3c1e-9d2a-4f7e-8a47-000000000002',
    type: 'ActionSucceeded',
    source: 'executor',
    time: TIME,
    subject: 'container:web',
    correlationId: INCIDENT,
    causationId: null,
    data: { target: containerTarget('web'), decisionId: '3b7f3c1e-9d2a-4f7e-8a47-000000000001', action: 'restart_container', result: 'restarted', details: {}, durationMs: 10 },
  });
}

describe('span attributes', () => {
  it('name the case, the target, the decision and the NATS message a handler processes', () => {
    assert.deepEqual(eventAttributes(decision()), {
      [ATTR.eventId]: '3b7f3c1e-9d2a-4f7e-8a47-000000000001',
      [ATTR.eventType]: 'RemediationDecided',
      [ATTR.incidentId]: INCIDENT,
      [ATTR.target]: 'container:web',
      [ATTR.targetKind]: 'container',
      [ATTR.targetId]: 'web',
      [ATTR.action]: 'restart_container',
      [ATTR.decisionRule]: 'auto_remediation',
      [ATTR.decisionOutcome]: 'execute',
      [MESSAGING.system]: 'nats',
      [MESSAGING.destinationName]: 'jarvis.events.remediation.decided',
      [MESSAGING.operationType]: 'process',
      [MESSAGING.messageId]: '3b7f3c1e-9d2a-4f7e-8a47-000000000001',
    });
  });

  it('say "send" for a span that appends the event', () => {
    assert.equal(publishAttributes(succeeded())[MESSAGING.operationType], 'send');
    assert.equal(publishAttributes(succeeded())[ATTR.actionResult], 'succeeded');
  });

  it('give the span active when an outcome is appended that outcome, keeping the id of the event it handles', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    try {
      await inSpan('jarvis.act', { attributes: eventAttributes(decision()) }, async () => annotateActiveSpan(succeeded()));
      const [span] = exporter.getFinishedSpans();
      assert.equal(span!.attributes[ATTR.actionResult], 'succeeded');
      assert.equal(span!.attributes[ATTR.eventId], '3b7f3c1e-9d2a-4f7e-8a47-000000000001');
      assert.equal(span!.attributes[ATTR.eventType], 'RemediationDecided');
    } finally {
      await provider.shutdown();
    }
  });
});
