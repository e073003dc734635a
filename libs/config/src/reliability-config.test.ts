import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { ReliabilityConfig } from './reliability-config.js';

function problems(plain: Record<string, unknown>): string[] {
  const result = validatePlain(ReliabilityConfig, plain, 'reliability');
  return result.ok ? [] : result.errors;
}

describe('ReliabilityConfig', () => {
  it('has an estimate for every built-in action and a default for the others', () => {
    const result = validatePlain(ReliabilityConfig, {}, 'reliability');
    assert.ok(result.ok);
    assert.deepEqual(result.value.timeSaved.map((e) => [e.action, e.minutes]), [['restart_container', 15], ['restart_serving_container', 15], ['clean_tmp_files', 20], ['cleanup_old_logs', 20], ['infrastructure_fix_ddclient', 30], ['infrastructure_remediate_ssl', 30]]);
    assert.equal(result.value.defaultMinutes, 10);
  });

  it('names the entry and the reason for a bad estimate, a repeated action and a bad default', () => {
    assert.deepEqual(problems({ timeSaved: [{ action: 'restart_container', minutes: -1 }] }), ['reliability.timeSaved.0.minutes: must not be less than 0']);
    assert.deepEqual(problems({ timeSaved: [{ action: 'Restart!', minutes: 5 }] }), ['reliability.timeSaved.0.action: must be an action name such as restart_container']);
    assert.deepEqual(problems({ timeSaved: [{ action: 'a', minutes: 1 }, { action: 'a', minutes: 2 }] }), ['reliability.timeSaved: each action may be listed once']);
    assert.deepEqual(problems({ defaultMinutes: 5000 }), ['reliability.defaultMinutes: must not be greater than 1440']);
  });
});
