import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flatText } from './flat-text.js';

describe('flatText', () => {
  it('gives what the template literal gives, for strings and numbers in any place', () => {
    const cases: Array<[string, string]> = [
      [flatText``, ``],
      [flatText`plain`, `plain`],
      [flatText`${'a'}`, `${'a'}`],
      [flatText`${'restart'} attempt ${2}`, `${'restart'} attempt ${2}`],
      [flatText`${0.5} ms, ${-0}, ${1e21}, ${NaN}: ${''}${'x'}`, `${0.5} ms, ${-0}, ${1e21}, ${NaN}: ${''}${'x'}`],
      [flatText`${'→'} ${'é'}\n${'😀'}`, `${'→'} ${'é'}\n${'😀'}`],
    ];
    for (const [flat, literal] of cases) assert.equal(flat, literal);
  });
});
