import { RPC, type ConfigApplyReply, type ConfigApplyRequest } from '@jarvis/contracts';
import type { ConfigApplyPort } from '@jarvis/registry';
import type { NatsRpcClient } from '@jarvis/service-kit';

/** The config editor's apply over NATS; the request's action id makes asking again after a lost reply safe. */
export class NatsConfigApply implements ConfigApplyPort {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly timeoutMs: number,
  ) {}

  apply(request: ConfigApplyRequest, signal: AbortSignal): Promise<ConfigApplyReply> {
    return this.rpc.call(RPC.configApply, request, this.timeoutMs, signal);
  }
}
