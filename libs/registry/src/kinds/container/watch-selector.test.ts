import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WatchConfig } from '@jarvis/config';
import { watchedBecause } from './watch-selector.js';

function watch(overrides: Partial<WatchConfig> = {}): WatchConfig {
  return Object.assign(new WatchConfig(), overrides);
}

describe('watchedBecause', () => {
  it('watches a container named in jarvis.yaml', () => {
    assert.equal(watchedBecause('web', {}, watch({ containers: ['db', 'web'] })), 'named in jarvis.yaml');
  });

  it('prefers the name over the label', () => {
    assert.equal(watchedBecause('web', { 'jarvis.watch': 'true' }, watch({ containers: ['web'] })), 'named in jarvis.yaml');
  });

  it('watches a container carrying the default label', () => {
    assert.equal(watchedBecause('web', { 'jarvis.watch': 'true', other: 'x' }, watch()), 'label jarvis.watch=true');
  });

  it('does not watch a container with another label value, another label, or none', () => {
    assert.equal(watchedBecause('web', { 'jarvis.watch': 'false' }, watch()), null);
    assert.equal(watchedBecause('web', { 'jarvis.watch': 'TRUE' }, watch()), null);
    assert.equal(watchedBecause('web', { watch: 'true' }, watch()), null);
    assert.equal(watchedBecause('web', {}, watch()), null);
  });

  it('does not match names partially', () => {
    assert.equal(watchedBecause('web-1', {}, watch({ containers: ['web'] })), null);
  });

  it('splits the label at the first = only', () => {
    const config = watch({ label: 'com.example/selector=a=b' });
    assert.equal(watchedBecause('web', { 'com.example/selector': 'a=b' }, config), 'label com.example/selector=a=b');
    assert.equal(watchedBecause('web', { 'com.example/selector': 'a' }, config), null);
  });

  it('matches an empty label value only when the label is present', () => {
    const config = watch({ label: 'team=' });
    assert.equal(watchedBecause('web', { team: '' }, config), 'label team=');
    assert.equal(watchedBecause('web', {}, config), null);
  });
});
