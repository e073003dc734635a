import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryEventLog } from '@jarvis/event-log';
import { EventLogStoreProbe } from './store-probe.js';

describe('EventLogStoreProbe', () => {
  it('is up while the log tells its position, with no consumer lag to give', async () => {
    assert.deepEqual(await new EventLogStoreProbe(new MemoryEventLog()).look(), { up: true, lags: [] });
  });

  it('is down when the log fails to answer', async () => {
    const broken = { position: () => Promise.reject(new Error('UnavailableError')) };
    assert.deepEqual(await new EventLogStoreProbe(broken).look(), { up: false, lags: [] });
  });
});
