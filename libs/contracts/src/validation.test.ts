import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { validateParams, validatePlain } from './validation.js';

/** An action that takes no parameter, like restart_container. */
class NoParams {}

class NoParamsWithRule {
  @IsString()
  name!: string;
}

/** An action with one optional, bounded parameter, like clean_tmp_files. */
class AgeParams {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  olderThanDays?: number;
}

describe('validateParams: a class that declares no rule', () => {
  it('given {}, then it accepts and returns an instance of the class', () => {
    const validated = validateParams(NoParams, {});
    assert.equal(validated.ok, true);
    assert.ok(validated.ok && validated.value instanceof NoParams);
  });

  it('given one unknown key, then it refuses naming that key', () => {
    assert.deepEqual(validateParams(NoParams, { force: true }), { ok: false, errors: ['params.force: property force should not exist'] });
  });

  it('given several unknown keys, then each is named', () => {
    assert.deepEqual(validateParams(NoParams, { force: true, __proto__x: 1 }), {
      ok: false,
      errors: ['params.force: property force should not exist', 'params.__proto__x: property __proto__x should not exist'],
    });
  });

  for (const [given, plain] of [['null', null], ['an array', []], ['a string', 'rm -rf /'], ['a number', 3]] as const) {
    it(`given ${given}, then it refuses: params must be an object`, () => {
      assert.deepEqual(validateParams(NoParams, plain), { ok: false, errors: ['params: must be an object'] });
    });
  }
});

describe('validateParams: a class with rules', () => {
  it('given {} or a valid value, then it accepts', () => {
    assert.equal(validateParams(AgeParams, {}).ok, true);
    const validated = validateParams(AgeParams, { olderThanDays: 30 });
    assert.ok(validated.ok && validated.value instanceof AgeParams && validated.value.olderThanDays === 30);
  });

  it('given an unknown key beside a valid one, then it refuses naming the unknown key', () => {
    assert.deepEqual(validateParams(AgeParams, { olderThanDays: 30, path: '/' }), { ok: false, errors: ['params.path: property path should not exist'] });
  });

  it('given a value breaking a rule, then it refuses naming the field and the rule', () => {
    const validated = validateParams(AgeParams, { olderThanDays: 0 });
    assert.deepEqual(validated, { ok: false, errors: ['params.olderThanDays: must not be less than 1'] });
  });

  it('given a value of the wrong type, then no conversion happens: it is refused', () => {
    const validated = validateParams(AgeParams, { olderThanDays: '30' });
    assert.equal(validated.ok, false);
    assert.ok(!validated.ok && validated.errors.some((e) => e === 'params.olderThanDays: must be an integer number'));
  });

  it('given something not an object, then it refuses with the params path', () => {
    assert.deepEqual(validateParams(AgeParams, null), { ok: false, errors: ['params: must be an object'] });
  });
});

describe('validatePlain', () => {
  it('given no root path and not an object, then the error names the root', () => {
    assert.deepEqual(validatePlain(AgeParams, 'x'), { ok: false, errors: ['(root): must be an object'] });
  });
});

describe('validatePlain: keys naming members every object inherits', () => {
  for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`given "${key}" nested in a value, then it refuses naming the path instead of throwing or dropping it`, () => {
      const plain = JSON.parse(`{"olderThanDays": 3, "nested": [{"${key}": 1}]}`) as unknown;
      assert.deepEqual(validatePlain(AgeParams, plain, 'params'), { ok: false, errors: [`params.nested[0].${key}: a key naming a member every object inherits is not allowed`] });
    });
  }

  it('given such a word as a value, then it is only data', () => {
    assert.deepEqual(validatePlain(AgeParams, { olderThanDays: 3 }), { ok: true, value: Object.assign(new AgeParams(), { olderThanDays: 3 }) });
    assert.equal(validatePlain(NoParamsWithRule, { name: 'constructor' }).ok, true);
  });
});
