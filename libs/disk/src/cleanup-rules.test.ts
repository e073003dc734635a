import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageCutoffMs, OLD_LOGS_RULE, TMP_FILES_RULE } from './cleanup-rules.js';

describe('OLD_LOGS_RULE', () => {
  const ROTATED = [
    'syslog.1',
    'app.log.1',
    'app.log.12',
    'app.0',
    'app.log.2.gz',
    'app.log.gz',
    'kern.log.3.xz',
    'daemon.log.1.bz2',
    'access.log.zst',
    'syslog-20261101',
    'messages-19991231',
    'app.old',
    'app.log.old',
  ];
  const KEPT = [
    'app.log',
    'syslog',
    'access.log',
    'error.log',
    'app.log.tmp',
    'app.log.1.swp',
    'app.1234',
    'app-2026110',
    'app-20261301',
    'app-20261132',
    'app-20261101.log',
    'notes.txt',
    'gz',
    'app.oldish',
  ];

  for (const name of ROTATED) {
    it(`given ${name}, takes it as a rotated or compressed log`, () => assert.equal(OLD_LOGS_RULE.matchesName(name), true));
  }
  for (const name of KEPT) {
    it(`given ${name}, leaves it (live log or not a rotation)`, () => assert.equal(OLD_LOGS_RULE.matchesName(name), false));
  }

  it('defaults to 14 days', () => assert.equal(OLD_LOGS_RULE.defaultMaxAgeDays, 14));
});

describe('TMP_FILES_RULE', () => {
  it('takes any name (age and the guard decide) and defaults to 7 days', () => {
    for (const name of ['x', 'app.log', '.hidden', 'core']) assert.equal(TMP_FILES_RULE.matchesName(name), true);
    assert.equal(TMP_FILES_RULE.defaultMaxAgeDays, 7);
  });
});

describe('ageCutoffMs', () => {
  it('given now and a number of days, is that many whole days earlier', () => {
    const now = new Date('2026-11-28T12:00:00.000Z');
    assert.equal(ageCutoffMs(now, 7), Date.parse('2026-11-21T12:00:00.000Z'));
    assert.equal(ageCutoffMs(now, 0), now.getTime());
    assert.equal(ageCutoffMs(now, 0.5), Date.parse('2026-11-28T00:00:00.000Z'));
  });
});
