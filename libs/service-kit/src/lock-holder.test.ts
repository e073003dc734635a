import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHolder, describeHolder, encodeHolder, judgeHeldLock, provablyDead, type LockHolder } from './lock-holder.js';

const SELF: LockHolder = { instance: 'me', host: 'nas', pid: 4242, pidNamespace: 'pid:[4026531836]', since: '2026-11-28T20:00:00.000Z' };
const TTL_MS = 10_000;

function holder(overrides: Partial<LockHolder>): LockHolder {
  return { instance: 'other', host: 'nas', pid: 1234, pidNamespace: SELF.pidNamespace, since: '2026-11-28T19:00:00.000Z', ...overrides };
}

const alive = () => true;
const gone = () => false;

describe('provablyDead', () => {
  it('proves a holder dead when its PID is gone from our host and PID namespace', () => {
    assert.match(provablyDead(holder({}), SELF, gone) ?? '', /pid 1234 no longer exists/);
  });

  it('proves our predecessor dead when it had our PID under another instance id (a restarted container)', () => {
    assert.match(provablyDead(holder({ pid: SELF.pid, pidNamespace: 'pid:[4026532000]' }), SELF, alive) ?? '', /is this process now/);
    assert.match(provablyDead(holder({ pid: SELF.pid }), SELF, alive) ?? '', /is this process now/);
  });

  it('cannot prove anything about a live PID, another host, another PID namespace, or an unknown namespace', () => {
    assert.equal(provablyDead(holder({}), SELF, alive), null);
    assert.equal(provablyDead(holder({ host: 'pi' }), SELF, gone), null);
    assert.equal(provablyDead(holder({ host: 'pi', pid: SELF.pid }), SELF, gone), null);
    assert.equal(provablyDead(holder({ pidNamespace: 'pid:[4026532000]' }), SELF, gone), null);
    assert.equal(provablyDead(holder({ pidNamespace: null }), { ...SELF, pidNamespace: null }, gone), null);
  });

  it('never declares this very instance dead', () => {
    assert.equal(provablyDead(SELF, SELF, gone), null);
  });
});

describe('judgeHeldLock', () => {
  const first = { revision: 7, holder: holder({ host: 'pi' }) };

  it('creates the lock when the key is gone (released, expired)', () => {
    assert.deepEqual(judgeHeldLock(first, null, SELF, alive, 1000, TTL_MS), { kind: 'create' });
  });

  it('refuses, naming the holder, when the holder renews meanwhile', () => {
    const renewed = { revision: 8, holder: first.holder };
    assert.deepEqual(judgeHeldLock(first, renewed, SELF, alive, 3500, TTL_MS), { kind: 'refuse', holder: first.holder });
  });

  it('refuses when someone else took the lock meanwhile, even a dead-looking one', () => {
    const taken = { revision: 9, holder: holder({ pid: 99 }) };
    assert.deepEqual(judgeHeldLock(first, taken, SELF, gone, 500, TTL_MS), { kind: 'refuse', holder: taken.holder });
  });

  it('takes over at once from a provably dead holder, at the revision it saw', () => {
    const dead = { revision: 3, holder: holder({}) };
    const verdict = judgeHeldLock(dead, dead, SELF, gone, 0, TTL_MS);
    assert.equal(verdict.kind, 'take-over');
    assert.equal(verdict.kind === 'take-over' && verdict.revision, 3);
  });

  it('waits for a holder it cannot judge, until its entry outlives 1.5 TTL unrenewed', () => {
    assert.deepEqual(judgeHeldLock(first, first, SELF, gone, 0, TTL_MS), { kind: 'wait' });
    assert.deepEqual(judgeHeldLock(first, first, SELF, gone, 14_999, TTL_MS), { kind: 'wait' });
    const late = judgeHeldLock(first, first, SELF, gone, 15_000, TTL_MS);
    assert.equal(late.kind, 'take-over');
    assert.match(late.kind === 'take-over' ? late.why : '', /not renewed for 15 s/);
  });

  it('waits for an unreadable holder rather than failing', () => {
    const unreadable = { revision: 5, holder: null };
    assert.deepEqual(judgeHeldLock(unreadable, unreadable, SELF, gone, 0, TTL_MS), { kind: 'wait' });
  });
});

describe('the holder record', () => {
  it('round-trips and describes itself with host, pid and since', () => {
    assert.deepEqual(decodeHolder(encodeHolder(SELF)), SELF);
    assert.equal(describeHolder(SELF), 'host nas, pid 4242, since 2026-11-28T20:00:00.000Z');
    assert.equal(describeHolder(null), 'an unreadable holder');
  });

  it('reads anything malformed as an unknown holder', () => {
    for (const text of ['', 'not json', '[]', 'null', '{"instance":"x","host":"h","pid":0,"pidNamespace":null,"since":"t"}', '{"instance":"x","host":"h","pid":"1","pidNamespace":null,"since":"t"}', '{"instance":"x","host":"h","pid":1,"pidNamespace":3,"since":"t"}']) {
      assert.equal(decodeHolder(text), null, text);
    }
  });
});
