import { ApiError, apiErrorBody } from './api-error.js';
import { RpcRefused, ServiceUnavailable } from './service-bus.js';

/** A refusal keeps its code across the RPC boundary; no answer at all is the service being unavailable. */
export async function forwarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RpcRefused) throw ApiError.fromRpc(error.error);
    if (error instanceof ServiceUnavailable) throw new ApiError(apiErrorBody(503, error.message));
    throw error;
  }
}
