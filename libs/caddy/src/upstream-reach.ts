import { connect } from 'node:net';
import type { Reachability, UpstreamEndpoint } from '@jarvis/registry';

/** A TCP connection to an upstream, closed as soon as it is open: the upstream listens, or why not. */
export function reachUpstream({ address, port }: UpstreamEndpoint, timeoutMs: number, signal: AbortSignal): Promise<Reachability> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host: address, port });
    const finish = (reading: Reachability) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(reading);
    };
    const onAbort = () => finish({ reachable: false, reason: 'the probe was cancelled' });
    const timer = setTimeout(() => finish({ reachable: false, reason: `no connection within ${timeoutMs} ms` }), timeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ reachable: true }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ reachable: false, reason: error.code ?? error.message }));
  });
}
