import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JarvisEvent } from '@jarvis/contracts';
import type { AppendResult, EventLog } from '@jarvis/event-log';
import { AppendTracker } from './append-tracker.js';

/** A log whose appends settle only when the test says so; `seen` proves calls reach it with their own `this`. */
class HeldLog {
  readonly seen: string[] = [];
  private readonly releases: (() => void)[] = [];
  private readonly failures: (() => void)[] = [];

  append(event: JarvisEvent): Promise<AppendResult> {
    this.seen.push(event.id);
    return new Promise((resolve, reject) => {
      this.releases.push(() => resolve({ seq: this.seen.length, duplicate: false }));
      this.failures.push(() => reject(new Error('timeout')));
    });
  }

  position(): Promise<{ lastSeq: number; createdAt: string }> {
    return Promise.resolve({ lastSeq: this.seen.length, createdAt: '2026-01-01T00:00:00.000Z' });
  }

  ack(index: number): void {
    this.releases[index]!();
  }

  fail(index: number): void {
    this.failures[index]!();
  }
}

const event = (id: string, type = 'ActionSucceeded') => ({ id, type }) as unknown as JarvisEvent;

describe('AppendTracker', () => {
  it('lists each append until the store acks or refuses it', async () => {
    const held = new HeldLog();
    const tracker = new AppendTracker();
    const log = tracker.track(held as unknown as EventLog);
    const first = log.append(event('a'));
    const second = log.append(event('b', 'DetectionRecorded'));
    assert.deepEqual(tracker.unacknowledged(), ['ActionSucceeded a', 'DetectionRecorded b']);
    held.ack(0);
    assert.deepEqual(await first, { seq: 2, duplicate: false });
    assert.deepEqual(tracker.unacknowledged(), ['DetectionRecorded b']);
    held.fail(1);
    await assert.rejects(second, /timeout/);
    assert.deepEqual(tracker.unacknowledged(), []);
  });

  it('passes every other member through, bound to the real log', async () => {
    const held = new HeldLog();
    const log = new AppendTracker().track(held as unknown as EventLog);
    void log.append(event('x'));
    assert.equal((await log.position()).lastSeq, 1);
    assert.deepEqual(held.seen, ['x']);
  });
});
