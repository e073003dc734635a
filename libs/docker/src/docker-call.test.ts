import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dockerCall, DockerCallTimeout, DockerUnreachable } from './docker-call.js';

const SITE = { what: 'inspect of container web', deadlineMs: 50, endpoint: 'unix:///tmp/x/docker.sock' };

describe('dockerCall', () => {
  it('fails a call that never answers at its deadline, naming the call, the container and the deadline, and aborts it', async () => {
    let signal: AbortSignal | undefined;
    const never = (s: AbortSignal) => {
      signal = s;
      return new Promise<never>(() => undefined);
    };
    await assert.rejects(dockerCall(SITE, never), (error: Error) => {
      assert.ok(error instanceof DockerCallTimeout);
      assert.equal(error.message, 'inspect of container web: no answer from the Docker engine at unix:///tmp/x/docker.sock within 0.05s');
      return true;
    });
    assert.equal(signal?.aborted, true);
  });

  it('returns what the call returns, without aborting it', async () => {
    let signal: AbortSignal | undefined;
    assert.equal(await dockerCall(SITE, async (s) => ((signal = s), 42)), 42);
    assert.equal(signal?.aborted, false);
  });

  it('names an engine that is not there as unreachable, with the address and the cause', async () => {
    const refused = Object.assign(new Error('connect ENOENT /tmp/x/docker.sock'), { code: 'ENOENT' });
    await assert.rejects(dockerCall(SITE, () => Promise.reject(refused)), (error: Error) => {
      assert.ok(error instanceof DockerUnreachable);
      assert.equal(error.message, 'Docker engine unreachable at unix:///tmp/x/docker.sock: connect ENOENT /tmp/x/docker.sock');
      return true;
    });
  });

  it('passes other errors (a 404, a 500) through unchanged', async () => {
    const notFound = Object.assign(new Error('no such container'), { statusCode: 404 });
    await assert.rejects(dockerCall(SITE, () => Promise.reject(notFound)), (error) => error === notFound);
  });
});
