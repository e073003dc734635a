import type { ConfigApplyReply, ConfigApplyRequest } from '@jarvis/contracts';

/**
 * The config editor as an action sees it: `jarvis.rpc.config-editor.apply`, answered once per action id (a repeat
 * gets the recorded outcome). The executor's adapter calls it over NATS.
 */
export interface ConfigApplyPort {
  apply(request: ConfigApplyRequest, signal: AbortSignal): Promise<ConfigApplyReply>;
}
