import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targetOf, type ConfigApplyReply, type ConfigApplyRequest } from '@jarvis/contracts';
import { RpcRefusedError, type NatsRpcClient } from '@jarvis/service-kit';
import { NatsConfigApply } from './nats-config-apply.js';

const request = { actionId: '0b7f3c2a-0000-4000-8000-000000000001', caseId: '0b7f3c2a-0000-4000-8000-000000000002', target: targetOf('ddclient', 'lab'), action: 'x', edit: {} } as unknown as ConfigApplyRequest;
const reply: ConfigApplyReply = { actionId: request.actionId, outcome: 'applied', reason: '', diff: '', needsApproval: true, backupPath: '/b' };

/** An RPC client failing as the test lists (then answering), counting the asks and the timeouts they carried. */
function rpcFailing(...failures: Error[]) {
  const asks: number[] = [];
  const rpc = {
    call: async (_subject: string, _data: unknown, timeoutMs: number) => {
      asks.push(timeoutMs);
      const failure = failures.shift();
      if (failure) throw failure;
      return reply;
    },
  };
  return { asks, rpc: rpc as unknown as NatsRpcClient };
}

describe('NatsConfigApply: a lost request or reply is asked again, keyed by the action id', () => {
  it('given asks lost to a NATS drop (timeouts, no responders), then it asks again and returns the editor\'s answer', { timeout: 10_000 }, async () => {
    const { asks, rpc } = rpcFailing(Object.assign(new Error('TIMEOUT'), { name: 'TimeoutError' }), Object.assign(new Error('no responders'), { name: 'NoRespondersError' }));
    assert.deepEqual(await new NatsConfigApply(rpc, 90_000).apply(request, AbortSignal.timeout(5000)), reply);
    assert.deepEqual(asks, [10_000, 10_000, 10_000], 'each ask waits at most 10 s for its reply');
  });

  it('given the editor refuses, then the refusal is thrown at once, never asked again', async () => {
    const { asks, rpc } = rpcFailing(new RpcRefusedError('jarvis.rpc.config-editor.apply', { code: 'invalid_request', message: 'bad', fields: [] }));
    await assert.rejects(new NatsConfigApply(rpc, 90_000).apply(request, AbortSignal.timeout(5000)), RpcRefusedError);
    assert.equal(asks.length, 1);
  });

  it('given the action\'s signal ends while asks keep failing, then the last failure is thrown', { timeout: 10_000 }, async () => {
    const { asks, rpc } = rpcFailing(...Array.from({ length: 100 }, () => new Error('TIMEOUT')));
    await assert.rejects(new NatsConfigApply(rpc, 2000).apply(request, AbortSignal.timeout(1200)), /TIMEOUT/);
    assert.ok(asks.length >= 2 && asks.length <= 4, `${asks.length} asks`);
    assert.equal(asks[0], 2000, 'a shorter configured timeout is kept');
  });
});
