import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Hysteresis,
  INITIAL_HYSTERESIS_STATE,
  stepHysteresis,
  type HysteresisKeyState,
  type HysteresisThresholds,
  type HysteresisTransition,
} from './hysteresis.js';

const N3_M2: HysteresisThresholds = { failuresToFail: 3, passesToRecover: 2 };

/** Feeds a sequence of results (P pass, F fail) to one key and lists the transitions. */
function transitions(sequence: string, thresholds: HysteresisThresholds = N3_M2): HysteresisTransition[] {
  const table = new Hysteresis(thresholds);
  return [...sequence].map((result) => table.record('k', result === 'P'));
}

describe('stepHysteresis, one result at a time', () => {
  const table: [string, HysteresisKeyState, boolean, HysteresisKeyState, HysteresisTransition][] = [
    ['a pass keeps a passing key passing', { status: 'passing', streak: 0 }, true, { status: 'passing', streak: 0 }, 'unchanged'],
    ['a pass clears the failures of a passing key', { status: 'passing', streak: 2 }, true, { status: 'passing', streak: 0 }, 'unchanged'],
    ['a failure below N counts', { status: 'passing', streak: 1 }, false, { status: 'passing', streak: 2 }, 'unchanged'],
    ['the Nth failure reports failing', { status: 'passing', streak: 2 }, false, { status: 'failing', streak: 0 }, 'became_failing'],
    ['a failure keeps a failing key failing', { status: 'failing', streak: 0 }, false, { status: 'failing', streak: 0 }, 'unchanged'],
    ['a failure clears the passes of a failing key', { status: 'failing', streak: 1 }, false, { status: 'failing', streak: 0 }, 'unchanged'],
    ['a pass below M counts', { status: 'failing', streak: 0 }, true, { status: 'failing', streak: 1 }, 'unchanged'],
    ['the Mth pass reports recovered', { status: 'failing', streak: 1 }, true, { status: 'passing', streak: 0 }, 'recovered'],
  ];
  for (const [name, state, passed, next, transition] of table) {
    it(name, () => {
      const frozen = Object.freeze({ ...state });
      assert.deepEqual(stepHysteresis(frozen, passed, N3_M2), { state: next, transition });
      assert.deepEqual(frozen, state, 'the input state is not changed');
    });
  }

  it('reports at once with N = M = 1', () => {
    const one = { failuresToFail: 1, passesToRecover: 1 };
    assert.equal(stepHysteresis(INITIAL_HYSTERESIS_STATE, false, one).transition, 'became_failing');
    assert.equal(stepHysteresis({ status: 'failing', streak: 0 }, true, one).transition, 'recovered');
  });
});

describe('Hysteresis over sequences', () => {
  const table: [string, string, HysteresisTransition[]][] = [
    ['N consecutive failures report once', 'FFFFF', ['unchanged', 'unchanged', 'became_failing', 'unchanged', 'unchanged']],
    ['a pass between failures starts the count again (no flapping)', 'FFPFFPFF', Array(8).fill('unchanged') as HysteresisTransition[]],
    ['M consecutive passes recover', 'FFFPP', ['unchanged', 'unchanged', 'became_failing', 'unchanged', 'recovered']],
    ['a failure between passes delays recovery', 'FFFPFPP', ['unchanged', 'unchanged', 'became_failing', 'unchanged', 'unchanged', 'unchanged', 'recovered']],
    ['a new key that passes reports nothing', 'PPP', ['unchanged', 'unchanged', 'unchanged']],
    ['fails again after recovering', 'FFFPPFFF', ['unchanged', 'unchanged', 'became_failing', 'unchanged', 'recovered', 'unchanged', 'unchanged', 'became_failing']],
  ];
  for (const [name, sequence, expected] of table) {
    it(`${name}: ${sequence}`, () => assert.deepEqual(transitions(sequence), expected));
  }

  it('keeps keys apart', () => {
    const table = new Hysteresis({ failuresToFail: 2, passesToRecover: 1 });
    assert.equal(table.record('http:a/health', false), 'unchanged');
    assert.equal(table.record('disk:/data/usage', false), 'unchanged');
    assert.equal(table.record('http:a/health', false), 'became_failing');
    assert.equal(table.status('http:a/health'), 'failing');
    assert.equal(table.status('disk:/data/usage'), 'passing');
  });

  it('takes per-key thresholds for checks that set their own N and M', () => {
    const table = new Hysteresis(N3_M2);
    assert.equal(table.record('k', false, { failuresToFail: 1, passesToRecover: 5 }), 'became_failing');
    assert.throws(() => table.record('k', true, { failuresToFail: 1, passesToRecover: 0 }), /passesToRecover: must be an integer from 1 to 1000 \(got 0\)/);
    assert.equal(table.status('k'), 'failing', 'a refused record changes nothing');
  });

  it('forgets a key, which then starts from passing again', () => {
    const table = new Hysteresis({ failuresToFail: 1, passesToRecover: 3 });
    table.record('k', false);
    table.forget('k');
    assert.equal(table.status('k'), 'passing');
    assert.deepEqual(table.snapshot(), {});
  });
});

describe('Hysteresis snapshots', () => {
  it('are plain JSON that restores the same behaviour', () => {
    const table = new Hysteresis(N3_M2);
    for (const passed of [false, false, false, true]) table.record('b', passed);
    table.record('a', false);
    const snapshot = JSON.parse(JSON.stringify(table.snapshot())) as unknown;
    assert.deepEqual(snapshot, { a: { status: 'passing', streak: 1 }, b: { status: 'failing', streak: 1 } });
    const restored = new Hysteresis(N3_M2, snapshot as Record<string, HysteresisKeyState>);
    assert.equal(restored.record('b', true), 'recovered');
    assert.equal(restored.record('a', false), 'unchanged');
    assert.equal(restored.record('a', false), 'became_failing');
  });

  it('does not share state with the table that made them', () => {
    const table = new Hysteresis(N3_M2);
    table.record('k', false);
    const snapshot = table.snapshot();
    table.record('k', false);
    assert.deepEqual(snapshot, { k: { status: 'passing', streak: 1 } });
  });

  it('are refused when malformed, naming the key and field', () => {
    const bad = (snapshot: unknown) => () => new Hysteresis(N3_M2, snapshot as Record<string, HysteresisKeyState>);
    assert.throws(bad({ k: null }), /hysteresis snapshot key "k": must be an object/);
    assert.throws(bad({ k: { status: 'flapping', streak: 0 } }), /key "k": status must be passing or failing/);
    assert.throws(bad({ k: { status: 'failing', streak: -1 } }), /key "k": streak must be an integer from 0 to 1000/);
    assert.throws(bad({ k: { status: 'failing', streak: '2' } }), /key "k": streak/);
  });

  it('refuses thresholds outside 1..1000, naming them', () => {
    assert.throws(() => new Hysteresis({ failuresToFail: 0, passesToRecover: 1 }), /failuresToFail: must be an integer from 1 to 1000 \(got 0\)/);
    assert.throws(() => new Hysteresis({ failuresToFail: 1, passesToRecover: 2.5 }), /passesToRecover: .*\(got 2.5\)/);
  });
});
