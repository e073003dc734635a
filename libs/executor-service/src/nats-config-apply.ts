import { setTimeout as sleep } from 'node:timers/promises';
import { RPC, type ConfigApplyReply, type ConfigApplyRequest } from '@jarvis/contracts';
import type { ConfigApplyPort } from '@jarvis/registry';
import { RpcRefusedError, type NatsRpcClient } from '@jarvis/service-kit';

/**
 * How long one ask waits for its reply. A reply lost to a NATS drop is never coming: asking again soon beats waiting
 * for it until the action's deadline, and an edit still under way answers the repeat once it is done.
 */
const ASK_TIMEOUT_MS = 10_000;
const ASK_AGAIN_AFTER_MS = 500;

/**
 * The config editor's apply over NATS. The editor applies once per action id and answers a repeat with the recorded
 * outcome (after an edit still under way), so a lost request or reply is asked again until the action's signal ends.
 */
export class NatsConfigApply implements ConfigApplyPort {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly timeoutMs: number,
  ) {}

  async apply(request: ConfigApplyRequest, signal: AbortSignal): Promise<ConfigApplyReply> {
    for (;;) {
      try {
        return await this.rpc.call(RPC.configApply, request, Math.min(this.timeoutMs, ASK_TIMEOUT_MS), signal);
      } catch (error) {
        // A refusal is the editor's answer, and an ended signal the action's deadline: neither is asked again.
        if (error instanceof RpcRefusedError || signal.aborted) throw error;
        await sleep(ASK_AGAIN_AFTER_MS, undefined, { signal }).catch(() => Promise.reject(error));
      }
    }
  }
}
