import { assertNever } from '@jarvis/contracts';

export interface HysteresisThresholds {
  /** Consecutive failures of a passing key before it is reported failing (N). */
  readonly failuresToFail: number;
  /** Consecutive passes of a failing key before it is reported recovered (M). */
  readonly passesToRecover: number;
}

export type HysteresisStatus = 'passing' | 'failing';

export interface HysteresisKeyState {
  /** What was last reported for the key. */
  readonly status: HysteresisStatus;
  /** Consecutive results since then that contradict `status`; any result agreeing with it resets the count. */
  readonly streak: number;
}

export type HysteresisTransition = 'became_failing' | 'recovered' | 'unchanged';

export interface HysteresisStep {
  readonly state: HysteresisKeyState;
  readonly transition: HysteresisTransition;
}

/** Plain JSON: key → state. */
export type HysteresisSnapshot = Readonly<Record<string, HysteresisKeyState>>;

/** A key seen for the first time is assumed healthy, so a single failure at start is not yet a detection. */
export const INITIAL_HYSTERESIS_STATE: HysteresisKeyState = { status: 'passing', streak: 0 };

const MAX_THRESHOLD = 1000;

/** One result for one key: the next state and whether the reported status changed. Pure. */
export function stepHysteresis(state: HysteresisKeyState, passed: boolean, thresholds: HysteresisThresholds): HysteresisStep {
  switch (state.status) {
    case 'passing':
      if (passed) return unchanged('passing', 0);
      return state.streak + 1 >= thresholds.failuresToFail
        ? { state: { status: 'failing', streak: 0 }, transition: 'became_failing' }
        : unchanged('passing', state.streak + 1);
    case 'failing':
      if (!passed) return unchanged('failing', 0);
      return state.streak + 1 >= thresholds.passesToRecover
        ? { state: { status: 'passing', streak: 0 }, transition: 'recovered' }
        : unchanged('failing', state.streak + 1);
    default:
      return assertNever(state.status);
  }
}

/** Throws naming the field when a threshold is not an integer from 1 to 1000. */
export function assertHysteresisThresholds(thresholds: HysteresisThresholds): void {
  for (const field of ['failuresToFail', 'passesToRecover'] as const) {
    const value = thresholds[field];
    if (!Number.isInteger(value) || value < 1 || value > MAX_THRESHOLD) {
      throw new RangeError(`hysteresis ${field}: must be an integer from 1 to ${MAX_THRESHOLD} (got ${String(value)})`);
    }
  }
}

/**
 * The per-key table around stepHysteresis. It mutates itself on `record`; its state leaves and enters only as a
 * plain JSON snapshot, so a service can persist it beside its other state.
 */
export class Hysteresis {
  private readonly states = new Map<string, HysteresisKeyState>();

  constructor(
    private readonly thresholds: HysteresisThresholds,
    snapshot: HysteresisSnapshot = {},
  ) {
    assertHysteresisThresholds(thresholds);
    for (const [key, state] of Object.entries(snapshot)) this.states.set(key, validKeyState(key, state));
  }

  /** Records one result; `thresholds` overrides the table's own for a key whose check sets its own N and M. */
  record(key: string, passed: boolean, thresholds: HysteresisThresholds = this.thresholds): HysteresisTransition {
    if (thresholds !== this.thresholds) assertHysteresisThresholds(thresholds);
    const step = stepHysteresis(this.states.get(key) ?? INITIAL_HYSTERESIS_STATE, passed, thresholds);
    this.states.set(key, step.state);
    return step.transition;
  }

  status(key: string): HysteresisStatus {
    return (this.states.get(key) ?? INITIAL_HYSTERESIS_STATE).status;
  }

  /** The key's state: its reported status and the streak of results contradicting it. */
  state(key: string): HysteresisKeyState {
    return this.states.get(key) ?? INITIAL_HYSTERESIS_STATE;
  }

  /** A key whose probe was removed is dropped, so a re-added one starts from the initial state. */
  forget(key: string): void {
    this.states.delete(key);
  }

  snapshot(): HysteresisSnapshot {
    return Object.fromEntries([...this.states].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, s]) => [k, { ...s }]));
  }
}

function unchanged(status: HysteresisStatus, streak: number): HysteresisStep {
  return { state: { status, streak }, transition: 'unchanged' };
}

function validKeyState(key: string, state: unknown): HysteresisKeyState {
  const where = `hysteresis snapshot key ${JSON.stringify(key)}`;
  if (typeof state !== 'object' || state === null) throw new TypeError(`${where}: must be an object`);
  const { status, streak } = state as Record<string, unknown>;
  if (status !== 'passing' && status !== 'failing') throw new TypeError(`${where}: status must be passing or failing`);
  if (typeof streak !== 'number' || !Number.isInteger(streak) || streak < 0 || streak > MAX_THRESHOLD) {
    throw new TypeError(`${where}: streak must be an integer from 0 to ${MAX_THRESHOLD}`);
  }
  return { status, streak };
}
