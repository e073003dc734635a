import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { MaintenanceConfig, MaintenanceScheduleConfig } from './maintenance-config.js';

const ROOT = 'maintenance';

function schedule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'nightly-logs', cron: '0 3 * * *', target: 'disk:/var/log', action: 'cleanup_old_logs', ...overrides };
}

/** The problems of a config holding the given schedules, as the loader would print them. */
function problems(...schedules: unknown[]): string[] {
  const result = validatePlain(MaintenanceConfig, { schedules }, ROOT);
  return result.ok ? [] : result.errors;
}

function problemsOfOne(overrides: Record<string, unknown>): string[] {
  return problems(schedule(overrides));
}

describe('MaintenanceConfig', () => {
  it('accepts a schedule and fills the defaults', () => {
    const result = validatePlain(MaintenanceConfig, { schedules: [schedule()] }, ROOT);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    const [only] = result.value.schedules;
    assert.ok(only instanceof MaintenanceScheduleConfig);
    assert.equal(only.enabled, true);
    assert.deepEqual(only.params, {});
    assert.equal(only.timezone, undefined);
  });

  it('accepts every field set', () => {
    const full = schedule({
      id: 'tmp.weekly_2',
      cron: '@weekly',
      timezone: 'Europe/Berlin',
      target: 'container:web-1',
      action: 'clean_tmp_files',
      params: { olderThanDays: 7, folders: ['/tmp/a', '/tmp/b'], dryRun: false, note: null },
      enabled: false,
    });
    assert.deepEqual(problems(full), []);
  });

  it('is empty by default', () => {
    assert.deepEqual(new MaintenanceConfig().schedules, []);
    assert.deepEqual(validatePlain(MaintenanceConfig, {}, ROOT), { ok: true, value: new MaintenanceConfig() });
  });

  it('names a bad cron expression and what is wrong with it', () => {
    assert.deepEqual(problemsOfOne({ cron: '61 3 * * *' }), [`${ROOT}.schedules.0.cron: "61 3 * * *" is not a valid cron expression: invalid value for minute: 61`]);
    assert.deepEqual(problemsOfOne({ cron: '0 3 * *' }), [
      `${ROOT}.schedules.0.cron: "0 3 * *" is not a valid cron expression: has 4 fields, expected 5 (minute hour day-of-month month day-of-week)`,
    ]);
    assert.deepEqual(problemsOfOne({ cron: '0 3 31 2 *' }), [
      `${ROOT}.schedules.0.cron: "0 3 31 2 *" is not a valid cron expression: never matches a date (for example the 31st of a month that has 30 days)`,
    ]);
  });

  it('reports a cron of the wrong type as that alone', () => {
    assert.deepEqual(problemsOfOne({ cron: 3 }), [`${ROOT}.schedules.0.cron: must be a string`]);
  });

  it('names an unknown or malformed time zone', () => {
    assert.deepEqual(problemsOfOne({ timezone: 'Mars/Olympus' }), [
      `${ROOT}.schedules.0.timezone: time zone "Mars/Olympus" is unknown (expected an IANA zone name such as Europe/Berlin or UTC)`,
    ]);
    assert.deepEqual(problemsOfOne({ timezone: '+02:00' }), [
      `${ROOT}.schedules.0.timezone: time zone "+02:00" is not an IANA zone name such as Europe/Berlin or UTC`,
    ]);
    assert.deepEqual(problemsOfOne({ timezone: 2 }), [`${ROOT}.schedules.0.timezone: must be a string`]);
  });

  it('refuses ids, actions and targets outside their patterns', () => {
    for (const id of ['', 'Nightly', '-x', 'a b', 'a@b', 'a/b', 'x'.repeat(64)]) {
      assert.deepEqual(problemsOfOne({ id }), [`${ROOT}.schedules.0.id: must be 1-63 of a-z 0-9 _ . - starting with a letter or digit`], id);
    }
    assert.deepEqual(problemsOfOne({ id: 'x'.repeat(63) }), []);
    for (const action of ['', 'Cleanup', '1clean', 'clean-logs', 'rm -rf', 'x'.repeat(65)]) {
      assert.deepEqual(problemsOfOne({ action }), [`${ROOT}.schedules.0.action: must be an action name: a-z, 0-9 and _, starting with a letter`], action);
    }
    for (const target of ['web', ':web', 'container:', 'Container:web', 'container:web 1', 'disk:/var/log\n', `disk:/${'a'.repeat(480)}`]) {
      assert.deepEqual(problemsOfOne({ target }), [`${ROOT}.schedules.0.target: must be kind:id, for example container:web or disk:/var/log`], target);
    }
    assert.deepEqual(problemsOfOne({ target: 'http:https://app.lan/health' }), []);
  });

  it('refuses params that are not a plain JSON object, naming where', () => {
    const at = (reason: string) => [`${ROOT}.schedules.0.params: ${reason}`];
    assert.deepEqual(problemsOfOne({ params: [1] }), at('must be an object of parameters'));
    assert.deepEqual(problemsOfOne({ params: 'x' }), at('must be an object of parameters'));
    assert.deepEqual(problemsOfOne({ params: null }), at('must be an object of parameters'));
    assert.deepEqual(problemsOfOne({ params: { days: Number.POSITIVE_INFINITY } }), at('days must be a finite number'));
    assert.deepEqual(problemsOfOne({ params: { when: new Date(0) } }), at('when must be a string, number, boolean, null, list or object'));
    assert.deepEqual(problemsOfOne({ params: { a: { b: { c: { d: 1 } } } } }), []);
    assert.deepEqual(problemsOfOne({ params: { a: { b: { c: { d: { e: 1 } } } } } }), at('a.b.c.d nests deeper than 4 levels'));
    assert.deepEqual(problemsOfOne({ params: { list: [[[[1]]]] } }), at('list[0][0][0] nests deeper than 4 levels'));
  });

  it('refuses params larger than 4096 bytes as JSON', () => {
    assert.deepEqual(problemsOfOne({ params: { blob: 'x'.repeat(4000) } }), []);
    assert.deepEqual(problemsOfOne({ params: { blob: 'é'.repeat(2100) } }), [`${ROOT}.schedules.0.params: is 4211 bytes as JSON, the limit is 4096`]);
  });

  it('refuses a non-boolean enabled and unknown keys', () => {
    assert.deepEqual(problemsOfOne({ enabled: 'yes' }), [`${ROOT}.schedules.0.enabled: must be a boolean value`]);
    assert.deepEqual(problemsOfOne({ every: 'day' }), [`${ROOT}.schedules.0.every: property every should not exist`]);
  });

  it('reports every missing required field', () => {
    assert.deepEqual(problems({}), [
      `${ROOT}.schedules.0.id: must be 1-63 of a-z 0-9 _ . - starting with a letter or digit`,
      `${ROOT}.schedules.0.id: must be a string`,
      `${ROOT}.schedules.0.cron: must be a string`,
      `${ROOT}.schedules.0.target: must be kind:id, for example container:web or disk:/var/log`,
      `${ROOT}.schedules.0.target: must be a string`,
      `${ROOT}.schedules.0.action: must be an action name: a-z, 0-9 and _, starting with a letter`,
      `${ROOT}.schedules.0.action: must be a string`,
    ]);
  });

  it('refuses repeated ids, naming them, and more than 200 schedules', () => {
    const repeated = problems(schedule(), schedule({ id: 'b' }), schedule(), schedule({ id: 'b' }), schedule({ id: 'c' }));
    assert.deepEqual(repeated, [`${ROOT}.schedules: ids must be unique; repeated: b, nightly-logs`]);
    const many = Array.from({ length: 201 }, (_, i) => schedule({ id: `s${i}` }));
    assert.deepEqual(problems(...many), [`${ROOT}.schedules: must contain no more than 200 elements`]);
  });

  it('refuses a list of the wrong type', () => {
    const result = validatePlain(MaintenanceConfig, { schedules: 'daily' }, ROOT);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.errors.includes(`${ROOT}.schedules: must be an array`), JSON.stringify(result));
  });
});
