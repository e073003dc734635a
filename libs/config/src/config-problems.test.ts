import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested, validateSync } from 'class-validator';
import { configProblems, describeValue, swappedSectionsAndLists } from './config-problems.js';

class Mount {
  @IsString()
  path = '/';

  @IsInt()
  @Min(1)
  warnPercent = 80;
}

class Disks {
  @ValidateNested()
  @Type(() => Mount)
  mounts: Mount[] = [];

  @ValidateNested()
  @Type(() => Mount)
  root = new Mount();
}

function problems(plain: object): string[] {
  const errors = validateSync(plainToInstance(Disks, plain), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return configProblems(errors);
}

describe('configProblems on a list of sections (a shape the next kinds of targets bring)', () => {
  it('names the entry and the key, with the suggestion from the entry class', () => {
    assert.deepEqual(problems({ mounts: [{ path: '/a' }, { path: 5, warnPercnt: 3 }] }).sort(), ['mounts[1].path: must be a string, got the number 5', 'mounts[1].warnPercnt: unknown key, did you mean warnPercent?']);
  });

  it('reports an entry that is not a section by its index', () => {
    assert.deepEqual(problems({ mounts: [{ path: '/a' }, 'oops'] }), ['mounts[1]: must be a section of keys, got the string "oops"']);
    assert.deepEqual(problems({ mounts: 3 }), ['mounts: must be a list, got the number 3']);
  });

  it('reports bounds when the type is right', () => {
    assert.deepEqual(problems({ mounts: [{ warnPercent: 0 }] }), ['mounts[0].warnPercent: must not be less than 1']);
  });
});

describe('swappedSectionsAndLists', () => {
  it('finds a list where one section belongs, at any depth, and accepts lists of sections', () => {
    assert.deepEqual(swappedSectionsAndLists(Disks, { root: [{ path: '/' }] }), [{ path: 'root', problem: 'root: must be a section of keys, got a list' }]);
    assert.deepEqual(swappedSectionsAndLists(Disks, { mounts: [{ path: '/' }], root: { path: '/' } }), []);
    assert.deepEqual(swappedSectionsAndLists(Disks, { unknown: [1] }), []);
  });

  it('finds a section where a list of them belongs, which class-validator would validate as the one entry', () => {
    assert.deepEqual(problems({ mounts: { path: '/' } }), [], 'what validation alone misses');
    assert.deepEqual(swappedSectionsAndLists(Disks, { mounts: { path: '/' } }), [{ path: 'mounts', problem: 'mounts: must be a list, got a section of keys' }]);
  });
});

describe('describeValue', () => {
  it('names each kind of value', () => {
    assert.equal(describeValue('often'), 'the string "often"');
    assert.equal(describeValue('say "hi"'), 'the string "say \\"hi\\""');
    assert.equal(describeValue(1.5), 'the number 1.5');
    assert.equal(describeValue(false), 'false');
    assert.equal(describeValue(null), 'an empty value');
    assert.equal(describeValue(undefined), 'an empty value');
    assert.equal(describeValue([1]), 'a list');
    assert.equal(describeValue({ a: 1 }), 'a section of keys');
  });
});
