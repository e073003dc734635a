import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronExpressionError, CronSchedule, timeZoneProblem } from './cron-schedule.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

function nextTimes(schedule: CronSchedule, from: string, count: number): string[] {
  const times: string[] = [];
  let cursor = at(from);
  for (let i = 0; i < count; i++) {
    const next = schedule.nextAfter(cursor);
    if (next === null) break;
    times.push(next.toISOString());
    cursor = next;
  }
  return times;
}

function problemOf(expression: string, timezone?: string): CronExpressionError {
  try {
    CronSchedule.parse(expression, timezone === undefined ? {} : { timezone });
  } catch (error) {
    assert.ok(error instanceof CronExpressionError, `expected CronExpressionError, got ${String(error)}`);
    assert.equal(error.expression, expression);
    assert.equal(error.message, `cron expression ${JSON.stringify(expression)}: ${error.reason}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(expression)} to be refused`);
}

describe('CronSchedule.nextAfter', () => {
  it('gives the slots after a date in UTC by default, strictly after it', () => {
    const daily = CronSchedule.parse('0 3 * * *');
    assert.equal(daily.timezone, 'UTC');
    assert.deepEqual(nextTimes(daily, '2026-11-28T02:59:59.999Z', 2), ['2026-11-28T03:00:00.000Z', '2026-11-29T03:00:00.000Z']);
    assert.equal(iso(daily.nextAfter(at('2026-11-28T03:00:00.000Z'))), '2026-11-29T03:00:00.000Z');
  });

  it('reads steps, lists, names and nicknames', () => {
    assert.deepEqual(nextTimes(CronSchedule.parse('*/20 * * * *'), '2026-11-28T10:05:00Z', 3), [
      '2026-11-28T10:20:00.000Z',
      '2026-11-28T10:40:00.000Z',
      '2026-11-28T11:00:00.000Z',
    ]);
    assert.deepEqual(nextTimes(CronSchedule.parse('30 4 * * mon,FRI'), '2026-11-28T00:00:00Z', 2), [
      '2026-11-30T04:30:00.000Z',
      '2026-12-04T04:30:00.000Z',
    ]);
    assert.deepEqual(nextTimes(CronSchedule.parse(' @DAILY '), '2026-11-28T12:00:00Z', 1), ['2026-11-29T00:00:00.000Z']);
    assert.deepEqual(nextTimes(CronSchedule.parse('0 0 1 * *'), '2026-11-28T00:00:00Z', 2), ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('reads wall-clock times in the given time zone', () => {
    const berlin = CronSchedule.parse('0 3 * * *', { timezone: 'Europe/Berlin' });
    assert.equal(berlin.timezone, 'Europe/Berlin');
    assert.deepEqual(nextTimes(berlin, '2026-11-28T00:00:00Z', 1), ['2026-11-28T02:00:00.000Z'], 'CET is UTC+1');
    assert.deepEqual(nextTimes(berlin, '2026-07-01T00:00:00Z', 1), ['2026-07-01T01:00:00.000Z'], 'CEST is UTC+2');
  });

  it('runs a daily job once on the day the clocks go forward, after the gap (Europe/Berlin, 29 March 2026)', () => {
    const inTheGap = CronSchedule.parse('30 2 * * *', { timezone: 'Europe/Berlin' });
    assert.deepEqual(nextTimes(inTheGap, '2026-03-28T00:00:00Z', 3), [
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('runs a daily job once on the day the clocks go back, at the first 02:30 (Europe/Berlin, 25 October 2026)', () => {
    const inTheRepeat = CronSchedule.parse('30 2 * * *', { timezone: 'Europe/Berlin' });
    assert.deepEqual(nextTimes(inTheRepeat, '2026-10-24T12:00:00Z', 2), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('keeps an hourly job hourly in real time across both changes (America/New_York)', () => {
    const hourly = CronSchedule.parse('0 * * * *', { timezone: 'America/New_York' });
    const forward = nextTimes(hourly, '2026-03-08T05:30:00Z', 4);
    assert.deepEqual(forward, ['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z', '2026-03-08T09:00:00.000Z']);
    const back = nextTimes(hourly, '2026-11-01T04:30:00Z', 4);
    assert.deepEqual(back, ['2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z', '2026-11-01T08:00:00.000Z']);
  });
});

describe('CronSchedule.latestAtOrBefore', () => {
  it('gives the slot at or before a date', () => {
    const daily = CronSchedule.parse('0 3 * * *');
    assert.equal(iso(daily.latestAtOrBefore(at('2026-11-28T03:00:00.000Z'))), '2026-11-28T03:00:00.000Z');
    assert.equal(iso(daily.latestAtOrBefore(at('2026-11-28T02:59:59.999Z'))), '2026-11-27T03:00:00.000Z');
    assert.equal(iso(daily.latestAtOrBefore(at('2026-11-28T17:00:00.000Z'))), '2026-11-28T03:00:00.000Z');
  });

  it('agrees with nextAfter across a time change', () => {
    const berlin = CronSchedule.parse('30 2 * * *', { timezone: 'Europe/Berlin' });
    assert.equal(iso(berlin.latestAtOrBefore(at('2026-10-26T12:00:00Z'))), '2026-10-26T01:30:00.000Z');
    assert.equal(iso(berlin.latestAtOrBefore(at('2026-10-26T01:00:00Z'))), '2026-10-25T00:30:00.000Z');
  });
});

describe('CronSchedule.parse refuses', () => {
  const table: [string, string, RegExp][] = [
    ['an empty expression', '', /^has 0 fields, expected 5 \(minute hour day-of-month month day-of-week\)$/],
    ['too few fields', '0 3 * *', /^has 4 fields, expected 5/],
    ['a seconds field', '0 0 3 * * *', /^has 6 fields, expected 5/],
    ['an ISO date', '2030-01-01T00:00:00', /^has 1 fields, expected 5/],
    ['a minute out of range', '61 3 * * *', /^invalid value for minute: 61$/],
    ['an hour out of range', '0 24 * * *', /^invalid value for hour: 24$/],
    ['a weekday out of range', '0 3 * * 8', /dayOfWeek: 8/],
    ['a zero step', '*/0 * * * *', /illegal stepping: 0/],
    ['words', 'every day at three', /^has 4 fields/],
    ['letters in a field', '0 3 x * *', /x/],
    ['an unknown nickname', '@reboot', /^unknown nickname \(use one of @yearly, @annually, @monthly, @weekly, @daily, @hourly\)$/],
    ['a date that never comes', '0 3 31 2 *', /^never matches a date/],
    ['a control character', '0 3 * * *\n0 4 * * *', /^contains a control character$/],
    ['a very long expression', `0 3 * * ${'1,'.repeat(100)}1`, /^longer than 128 characters$/],
  ];
  for (const [name, expression, reason] of table) {
    it(`${name}, naming the expression and the reason`, () => {
      const error = problemOf(expression);
      assert.match(error.reason, reason);
    });
  }

  it('an unknown or malformed time zone, naming it', () => {
    assert.match(problemOf('0 3 * * *', 'Mars/Olympus').reason, /^time zone "Mars\/Olympus" is unknown/);
    assert.match(problemOf('0 3 * * *', '+01:00').reason, /^time zone "\+01:00" is not an IANA zone name/);
    assert.match(problemOf('0 3 * * *', '../../etc/passwd').reason, /is not an IANA zone name/);
    assert.match(problemOf('0 3 * * *', '').reason, /is not an IANA zone name/);
  });
});

describe('timeZoneProblem', () => {
  it('accepts IANA names and UTC', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5']) assert.equal(timeZoneProblem(zone), null, zone);
  });
});
