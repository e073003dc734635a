import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronSchedule } from './cron-schedule.js';
import { dueRuns, nextSlotAfter, scheduleRunKey, type NamedSchedule } from './due-runs.js';

const at = (iso: string) => new Date(iso);
const nightlyLogs: NamedSchedule = { id: 'nightly-logs', schedule: CronSchedule.parse('0 3 * * *') };
const hourlyTmp: NamedSchedule = { id: 'hourly.tmp', schedule: CronSchedule.parse('15 * * * *') };

function lastRuns(entries: Record<string, string>): Map<string, Date> {
  return new Map(Object.entries(entries).map(([id, iso]) => [id, at(iso)]));
}

describe('dueRuns', () => {
  it('given a slot passed since the last run, then that slot is due once, keyed by schedule and slot', () => {
    const due = dueRuns([nightlyLogs], lastRuns({ 'nightly-logs': '2026-11-27T03:00:00Z' }), at('2026-11-28T03:00:05Z'));
    assert.deepEqual(due, [
      { scheduleId: 'nightly-logs', slotAt: at('2026-11-28T03:00:00Z'), runKey: 'nightly-logs@2026-11-28T03:00:00.000Z', missedEarlierSlots: false },
    ]);
  });

  it('given the slot already ran, then nothing is due, however often it is asked', () => {
    const last = lastRuns({ 'nightly-logs': '2026-11-28T03:00:00Z' });
    for (const now of ['2026-11-28T03:00:00Z', '2026-11-28T03:00:01Z', '2026-11-28T23:59:59Z', '2026-11-29T02:59:59.999Z']) {
      assert.deepEqual(dueRuns([nightlyLogs], last, at(now)), [], now);
    }
  });

  it('given the slot time exactly, then it is due', () => {
    const due = dueRuns([nightlyLogs], lastRuns({ 'nightly-logs': '2026-11-27T03:00:00Z' }), at('2026-11-28T03:00:00Z'));
    assert.deepEqual(due.map((d) => d.runKey), ['nightly-logs@2026-11-28T03:00:00.000Z']);
  });

  it('given Jarvis was down over several slots, then one run is due, for the latest slot, and says slots were missed', () => {
    const last = lastRuns({ 'nightly-logs': '2026-11-20T03:00:00Z', 'hourly.tmp': '2026-11-28T01:15:00Z' });
    const due = dueRuns([nightlyLogs, hourlyTmp], last, at('2026-11-28T09:40:00Z'));
    assert.deepEqual(due, [
      { scheduleId: 'nightly-logs', slotAt: at('2026-11-28T03:00:00Z'), runKey: 'nightly-logs@2026-11-28T03:00:00.000Z', missedEarlierSlots: true },
      { scheduleId: 'hourly.tmp', slotAt: at('2026-11-28T09:15:00Z'), runKey: 'hourly.tmp@2026-11-28T09:15:00.000Z', missedEarlierSlots: true },
    ]);
    const afterRunning = lastRuns({ 'nightly-logs': '2026-11-28T03:00:00Z', 'hourly.tmp': '2026-11-28T09:15:00Z' });
    assert.deepEqual(dueRuns([nightlyLogs, hourlyTmp], afterRunning, at('2026-11-28T09:40:00Z')), [], 'running the collapsed slot clears it');
  });

  it('given a schedule never seen before, then it is not due (the caller records now and it waits for its next slot)', () => {
    assert.deepEqual(dueRuns([nightlyLogs], new Map(), at('2026-11-28T14:00:00Z')), []);
  });

  it('given a schedule whose next slot has not come, then it is not due', () => {
    assert.deepEqual(dueRuns([nightlyLogs], lastRuns({ 'nightly-logs': '2026-11-28T14:00:00Z' }), at('2026-11-28T23:00:00Z')), []);
  });

  it('orders due runs by slot, then id', () => {
    const a: NamedSchedule = { id: 'b-second', schedule: CronSchedule.parse('0 3 * * *') };
    const b: NamedSchedule = { id: 'a-first', schedule: CronSchedule.parse('0 3 * * *') };
    const last = lastRuns({ 'b-second': '2026-11-27T03:00:00Z', 'a-first': '2026-11-27T03:00:00Z', 'hourly.tmp': '2026-11-28T02:15:00Z' });
    const due = dueRuns([a, b, hourlyTmp], last, at('2026-11-28T03:20:00Z'));
    assert.deepEqual(due.map((d) => d.scheduleId), ['a-first', 'b-second', 'hourly.tmp']);
  });

  it('runs the DST-shifted slot once on the day the clocks go forward', () => {
    const berlin: NamedSchedule = { id: 'berlin', schedule: CronSchedule.parse('30 2 * * *', { timezone: 'Europe/Berlin' }) };
    const last = lastRuns({ berlin: '2026-03-28T01:30:00Z' });
    assert.deepEqual(dueRuns([berlin], last, at('2026-03-29T00:59:00Z')), []);
    const due = dueRuns([berlin], last, at('2026-03-29T01:00:00Z'));
    assert.deepEqual(due.map((d) => d.runKey), ['berlin@2026-03-29T01:00:00.000Z']);
    assert.deepEqual(dueRuns([berlin], lastRuns({ berlin: '2026-03-29T01:00:00Z' }), at('2026-03-29T23:00:00Z')), []);
  });
});

describe('scheduleRunKey', () => {
  it('is the schedule id and the slot in UTC, the same for the same slot whatever the zone', () => {
    assert.equal(scheduleRunKey('nightly-logs', at('2026-11-28T04:00:00+01:00')), 'nightly-logs@2026-11-28T03:00:00.000Z');
  });
});

describe('nextSlotAfter', () => {
  it('gives the earliest next slot of all schedules, or null for none', () => {
    assert.deepEqual(nextSlotAfter([nightlyLogs, hourlyTmp], at('2026-11-28T02:20:00Z')), at('2026-11-28T03:00:00Z'));
    assert.deepEqual(nextSlotAfter([nightlyLogs, hourlyTmp], at('2026-11-28T02:10:00Z')), at('2026-11-28T02:15:00Z'));
    assert.equal(nextSlotAfter([], at('2026-11-28T02:10:00Z')), null);
  });
});
