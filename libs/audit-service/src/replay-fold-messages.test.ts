import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packBatch, unpackBatch } from './replay-fold-messages.js';

describe('packBatch and unpackBatch', () => {
  it('give back every message, in order, an empty one too', () => {
    const text = ['{"a":1}', '', '{"b":"é"}'];
    const batch = text.map((t, i) => ({ seq: i + 1, subject: `jarvis.events.${i}`, data: new TextEncoder().encode(t), headers: undefined }));
    const packed = packBatch(batch);
    const seen: [string, string][] = [];
    unpackBatch(packed, (subject, data) => seen.push([subject, new TextDecoder().decode(data)]));
    assert.deepEqual(seen, text.map((t, i) => [`jarvis.events.${i}`, t]));
    assert.equal(packed.bytes.byteLength, batch.reduce((sum, m) => sum + m.data.length, 0));
  });

  it('pack an empty batch into nothing', () => {
    const seen: string[] = [];
    unpackBatch(packBatch([]), (subject) => seen.push(subject));
    assert.deepEqual(seen, []);
  });
});
