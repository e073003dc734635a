import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from './unified-diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', '/f'), '');
  });

  it('shows a changed line with three lines of context, numbered as diff -u does', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
    const after = before.replace('5', 'five');
    assert.equal(unifiedDiff(before, after, '/f'), ['--- /f', '+++ /f', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'));
  });

  it('keeps far-apart changes in separate hunks and merges near ones', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    const after = lines.map((line) => (line === 'l2' || line === 'l18' ? `${line}x` : line));
    const diff = unifiedDiff(lines.join('\n') + '\n', after.join('\n') + '\n', '/f');
    assert.deepEqual(diff.split('\n').filter((line) => line.startsWith('@@')), ['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    const near = lines.map((line) => (line === 'l5' || line === 'l9' ? `${line}x` : line));
    assert.deepEqual(unifiedDiff(lines.join('\n') + '\n', near.join('\n') + '\n', '/f').split('\n').filter((line) => line.startsWith('@@')), ['@@ -2,11 +2,11 @@']);
  });

  it('shows an insertion into an empty file and a removed last line', () => {
    assert.equal(unifiedDiff('', 'a\n', '/f'), ['--- /f', '+++ /f', '@@ -0,0 +1,1 @@', '+a', ''].join('\n'));
    assert.equal(unifiedDiff('a\nb\n', 'a\n', '/f'), ['--- /f', '+++ /f', '@@ -1,2 +1,1 @@', ' a', '-b', ''].join('\n'));
  });

  it('marks a missing final newline so that adding one is visible', () => {
    assert.match(unifiedDiff('a', 'a\n', '/f'), /-a \\ \(no newline at end of file\)\n\+a\n/u);
  });
});
