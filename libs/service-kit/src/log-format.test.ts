import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logFormatFrom } from './log-format.js';
import { StartupError } from './startup-error.js';

describe('logFormatFrom', () => {
  it('reads text (also when unset or empty) and json', () => {
    assert.equal(logFormatFrom({}), 'text');
    assert.equal(logFormatFrom({ JARVIS_LOG_FORMAT: '' }), 'text');
    assert.equal(logFormatFrom({ JARVIS_LOG_FORMAT: 'text' }), 'text');
    assert.equal(logFormatFrom({ JARVIS_LOG_FORMAT: 'json' }), 'json');
  });

  it('refuses anything else, naming the variable, the value and what it expects', () => {
    assert.throws(() => logFormatFrom({ JARVIS_LOG_FORMAT: 'JSON ' }), (error: Error) => error instanceof StartupError && error.message === 'JARVIS_LOG_FORMAT: "JSON " is not a log format (expected text or json)');
  });
});
