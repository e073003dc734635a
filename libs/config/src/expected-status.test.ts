import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeExpectedStatus, parseExpectedStatus, parseStatusEntry, statusExpected } from './expected-status.js';

describe('expected status', () => {
  it('reads codes and ranges, numbers and strings alike', () => {
    assert.deepEqual(parseExpectedStatus([204, '200-299', '404']), [
      { min: 204, max: 204 },
      { min: 200, max: 299 },
      { min: 404, max: 404 },
    ]);
  });

  it('says why an entry is no status', () => {
    assert.equal(parseStatusEntry(99), '99 is not a status code (100-599)');
    assert.equal(parseStatusEntry(200.5), '200.5 is not a status code (100-599)');
    assert.equal(parseStatusEntry('600'), '"600" is neither a status code (200) nor a range ("200-399")');
    assert.equal(parseStatusEntry(true), 'each entry must be a status code (200) or a range ("200-399")');
    assert.equal(parseStatusEntry('300-200'), '"300-200" ends below its start');
  });

  it('throws on an invalid entry, which only a caller skipping validation can pass', () => {
    assert.throws(() => parseExpectedStatus(['2xx']), /expectStatus: "2xx" is neither/);
  });

  it('matches a status against the ranges, bounds included', () => {
    const ranges = parseExpectedStatus(['200-399', 418]);
    for (const status of [200, 302, 399, 418]) assert.equal(statusExpected(status, ranges), true, `${status}`);
    for (const status of [199, 400, 417, 503]) assert.equal(statusExpected(status, ranges), false, `${status}`);
  });

  it('describes the ranges the way a reason quotes them', () => {
    assert.equal(describeExpectedStatus(parseExpectedStatus(['200-399'])), '200-399');
    assert.equal(describeExpectedStatus(parseExpectedStatus([200, '204'])), '200, 204');
  });
});
