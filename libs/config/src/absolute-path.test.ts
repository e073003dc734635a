import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absolutePathProblem, allowedFolders } from './absolute-path.js';

describe('absolutePathProblem', () => {
  const REFUSED: Array<[unknown, string]> = [
    [42, 'must be a string'],
    ['', 'must be an absolute path'],
    ['srv/tmp', 'must be an absolute path'],
    ['./srv', 'must be an absolute path'],
    ['~/tmp', 'must be an absolute path'],
    ['/srv/\0', 'must not contain a NUL byte'],
    ['/srv/tmp/', 'must be normalized (no ".", "..", "//" or trailing "/")'],
    ['//srv', 'must be normalized (no ".", "..", "//" or trailing "/")'],
    ['/srv//tmp', 'must be normalized (no ".", "..", "//" or trailing "/")'],
    ['/srv/./tmp', 'must be normalized (no ".", "..", "//" or trailing "/")'],
    ['/srv/tmp/.', 'must be normalized (no ".", "..", "//" or trailing "/")'],
    ['/srv/../etc', 'must be normalized (no ".", "..", "//" or trailing "/")'],
    ['/..', 'must be normalized (no ".", "..", "//" or trailing "/")'],
    [`/${'a'.repeat(4095)}`, 'must be at most 4095 bytes'],
  ];
  for (const [value, problem] of REFUSED) {
    it(`refuses ${JSON.stringify(value).slice(0, 40)}: ${problem}`, () => assert.equal(absolutePathProblem(value), problem));
  }

  it('accepts absolute normalized paths, the root included', () => {
    for (const value of ['/', '/srv', '/srv/tmp', '/srv/...', '/srv/a..b', '/srv/with space']) assert.equal(absolutePathProblem(value), undefined, value);
  });
});

describe('allowedFolders', () => {
  it('names every refused entry by its index, "/" included, and never echoes the value', () => {
    assert.equal(allowedFolders(['/srv', 'srv', '/', '/srv/../etc']), '[1] must be an absolute path; [2] must not be "/": every file on the machine would be allowed; [3] must be normalized (no ".", "..", "//" or trailing "/")');
  });

  it('accepts clean folders and leaves a non-list to @IsArray', () => {
    assert.equal(allowedFolders(['/srv', '/etc/caddy']), null);
    assert.equal(allowedFolders('not a list'), null);
  });
});
