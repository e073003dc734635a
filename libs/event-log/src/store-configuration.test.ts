import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { eventStreamConfig, EventStoreMisconfigured, storeConfigProblems } from './store-configuration.js';

/** The stream as nats-server reports one Jarvis created: its own settings plus the server's defaults. */
function asStored(overrides: Partial<StreamConfig> = {}): StreamConfig {
  return {
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    max_msgs_per_subject: -1,
    max_consumers: -1,
    discard: DiscardPolicy.Old,
    num_replicas: 1,
    sealed: false,
    ...eventStreamConfig('JARVIS_EVENTS'),
    ...overrides,
  } as StreamConfig;
}

describe('storeConfigProblems', () => {
  it('accepts the stream Jarvis creates, and a larger duplicate window or message size', () => {
    assert.deepEqual(storeConfigProblems(asStored()), []);
    assert.deepEqual(storeConfigProblems(asStored({ duplicate_window: nanos(600_000), max_msg_size: -1 })), []);
  });

  it('names each setting that would lose, drop or refuse events, what it is and what it must be', () => {
    const problems = storeConfigProblems(
      asStored({
        storage: StorageType.Memory,
        retention: RetentionPolicy.Workqueue,
        max_age: nanos(86_400_000),
        max_msgs: 1000,
        max_bytes: 1 << 20,
        max_msgs_per_subject: 10,
        subjects: ['other.>'],
        duplicate_window: nanos(10_000),
        max_msg_size: 1024,
        sealed: true,
      }),
    );
    assert.deepEqual(problems.map((p) => p.split(' ')[0]), ['storage', 'retention', 'max_age', 'max_msgs', 'max_bytes', 'max_msgs_per_subject', 'subjects', 'duplicate_window', 'max_msg_size', 'sealed']);
    assert.match(problems[0]!, /storage is memory, must be file/);
    assert.match(problems[2]!, /max_age is 86400 s, must be 0/);
    assert.match(problems[7]!, /duplicate_window is 10 s, must be at least 120 s/);
  });

  it('with events.retention, the age and size limits must be exactly the configured ones', () => {
    const retention = { maxAgeDays: 30, maxBytes: 1 << 30 };
    assert.deepEqual(storeConfigProblems(asStored(eventStreamConfig('JARVIS_EVENTS', retention)), retention), []);
    const problems = storeConfigProblems(asStored({ max_age: nanos(86_400_000), max_bytes: -1 }), retention);
    assert.deepEqual(problems, ['max_age is 86400 s, must be 2592000 s (events.retention.maxAgeDays: 30)', `max_bytes is -1, must be ${1 << 30} (events.retention.maxBytes)`]);
    assert.deepEqual(storeConfigProblems(asStored(eventStreamConfig('JARVIS_EVENTS', retention))).map((p) => p.split(' ')[0]), ['max_age', 'max_bytes']);
  });

  it('its error names the stream, lists the problems and says how to fix them', () => {
    const error = new EventStoreMisconfigured('JARVIS_EVENTS', ['storage is memory, must be file']);
    assert.match(error.message, /^event store: stream JARVIS_EVENTS is not configured as Jarvis needs:\n {2}- storage is memory, must be file\nFix: /);
  });
});
