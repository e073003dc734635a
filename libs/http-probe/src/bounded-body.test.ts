import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { readBoundedBody } from './bounded-body.js';

describe('readBoundedBody', () => {
  it('reads a body shorter than the limit whole', async () => {
    const body = new PassThrough();
    body.end('ready');
    assert.deepEqual(await readBoundedBody(body, 10, new AbortController().signal), { bytes: Buffer.from('ready'), truncated: false });
  });

  it('stops at the limit, keeps the beginning and closes the stream', async () => {
    const body = new PassThrough();
    const read = readBoundedBody(body, 10, new AbortController().signal);
    body.write('0123456789abc');
    const result = await read;
    assert.equal(result.bytes.toString(), '0123456789');
    assert.equal(result.truncated, true);
    assert.equal(body.destroyed, true);
  });

  it('rejects with the signal reason when it aborts and closes the stream', async () => {
    const body = new PassThrough();
    const controller = new AbortController();
    const read = readBoundedBody(body, 10, controller.signal);
    controller.abort(new Error('deadline'));
    await assert.rejects(read, /deadline/);
    assert.equal(body.destroyed, true);
  });

  it('rejects a body that closes before its end as a reset connection', async () => {
    const body = new PassThrough();
    const read = readBoundedBody(body, 10, new AbortController().signal);
    body.destroy();
    await assert.rejects(read, (error: Error & { code?: string }) => error.code === 'ECONNRESET');
  });
});
