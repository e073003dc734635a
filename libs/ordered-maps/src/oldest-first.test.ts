import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beforeDeleting, deleteOldestWhile, keepNewest } from './oldest-first.js';

/** The plain definition: from the first entry on, delete while the time is at or before the horizon. */
function forgetFromTheStart(closedAt: Map<string, number>, horizon: number, forget: (id: string) => void): void {
  for (const [id, at] of closedAt) {
    if (at > horizon) return;
    closedAt.delete(id);
    forget(id);
  }
}

function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

/** Mostly the oldest kept: the one a cursor may be holding on to. */
function reclosed(closedAt: Map<string, number>, below: (n: number) => number): string {
  const ids = [...closedAt.keys()];
  return below(2) === 0 ? ids[0]! : ids[below(ids.length)]!;
}

describe('deleteOldestWhile', () => {
  it('forgets exactly what a walk from the start forgets, through closings, re-closings out of order and emptyings', () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const below = seeded(seed);
      const cursorMap = new Map<string, number>();
      const plainMap = new Map<string, number>();
      const forgotten: string[] = [];
      const plainForgotten: string[] = [];
      let clock = 0;
      for (let step = 0; step < 3000; step += 1) {
        const roll = below(10);
        if (roll < 5) {
          // A closing; now and then an old incident closed again, or a time earlier than the last.
          const id = below(4) === 0 && plainMap.size > 0 ? reclosed(plainMap, below) : `i${step}`;
          clock += below(3) === 0 ? -below(20) : below(30);
          beforeDeleting(cursorMap, id);
          for (const map of [cursorMap, plainMap]) {
            map.delete(id);
            map.set(id, clock);
          }
        } else {
          const horizon = clock - below(roll === 9 ? 10 : 400);
          deleteOldestWhile(cursorMap, (_, at) => at <= horizon, (id) => forgotten.push(id));
          forgetFromTheStart(plainMap, horizon, (id) => plainForgotten.push(id));
        }
        assert.deepEqual([...cursorMap], [...plainMap], `seed ${seed}, step ${step}`);
      }
      assert.deepEqual(forgotten, plainForgotten, `seed ${seed}`);
      assert.ok(forgotten.length > 100, `seed ${seed}: only ${forgotten.length} forgotten`);
    }
  });

  it('starts a new cursor for a map it has not seen, such as one restored from a snapshot', () => {
    const restored = new Map([['a', 1], ['b', 5], ['c', 9]]);
    const forgotten: string[] = [];
    deleteOldestWhile(restored, (_, at) => at <= 5, (id) => forgotten.push(id));
    assert.deepEqual(forgotten, ['a', 'b']);
    assert.deepEqual([...restored], [['c', 9]]);
  });

  it('passes over an entry deleted by other means since it was read', () => {
    const map = new Map([['a', 1], ['b', 2], ['c', 3]]);
    const deleted: string[] = [];
    deleteOldestWhile(map, (_, at) => at <= 0);
    map.delete('a');
    deleteOldestWhile(map, (_, at) => at <= 2, (id) => deleted.push(id));
    assert.deepEqual(deleted, ['b']);
    assert.deepEqual([...map], [['c', 3]]);
  });
});

describe('keepNewest', () => {
  it('keeps what deleting through a fresh iterator keeps, while entries come, go and come back', () => {
    const below = seeded(7);
    const map = new Map<number, number>();
    const plain = new Map<number, number>();
    for (let step = 0; step < 20_000; step += 1) {
      const key = below(3) === 0 ? below(step + 1) : step;
      if (below(5) === 0) {
        beforeDeleting(map, key);
        map.delete(key);
        plain.delete(key);
      } else {
        map.set(key, step);
        plain.set(key, step);
      }
      keepNewest(map, 50);
      while (plain.size > 50) plain.delete(plain.keys().next().value!);
      assert.deepEqual([...map], [...plain], `step ${step}`);
    }
  });
});

