import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SharedText } from './shared-text.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap bytes taken by what `keep` makes and keeps, after full collections on both sides. */
function heapKeptBy(keep: () => unknown): number {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const kept = keep();
  collectGarbage();
  const used = process.memoryUsage().heapUsed - before;
  assert.ok(kept);
  return used;
}

/** A summary as the fold writes it: a fresh string each time, equal to the last. */
const summaryOf = (code: number) => ['container_state failed: exited with code ', String(code)].join('');

describe('SharedText', () => {
  it('gives back a text equal to the one it is given', () => {
    const shared = new SharedText();
    for (const text of ['', 'restart_container attempt 1', summaryOf(137), summaryOf(137), 'ünïcode ✓']) assert.equal(shared.of(text), text);
  });

  it('keeps one string for equal texts: 100,000 equal summaries take less than a quarter of the memory of their copies', () => {
    const count = 100_000;
    const copies = heapKeptBy(() => Array.from({ length: count }, () => summaryOf(137)));
    const shared = new SharedText();
    const pooled = heapKeptBy(() => Array.from({ length: count }, () => shared.of(summaryOf(137))));
    assert.ok(pooled * 4 < copies, `pooled ${pooled} bytes, copies ${copies} bytes`);
  });

  it('starts afresh once it holds its limit of distinct texts, and still answers equal texts', () => {
    const shared = new SharedText(3);
    for (let code = 0; code < 10; code++) assert.equal(shared.of(summaryOf(code)), summaryOf(code));
    const pooled = heapKeptBy(() => Array.from({ length: 10_000 }, (_, i) => shared.of(summaryOf(i % 1000))));
    const copies = heapKeptBy(() => Array.from({ length: 10_000 }, (_, i) => summaryOf(i % 1000)));
    assert.ok(pooled > copies / 2, `a pool of 3 cannot hold 1,000 recurring texts: pooled ${pooled} bytes, copies ${copies} bytes`);
  });
});
