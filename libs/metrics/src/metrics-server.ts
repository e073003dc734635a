import { createServer, type Server } from 'node:http';
import type { JarvisMetrics } from './jarvis-metrics.js';

export const METRICS_PATH = '/metrics';

export type MetricsServer = { host: string; port: number; close(): Promise<void> };

/**
 * A listener of its own rather than a route of the gateway: every process of the split shape has one, it needs no
 * API token (Prometheus scrapes without one), and it can face another interface than the API.
 */
export async function serveMetrics(metrics: JarvisMetrics, host: string, port: number): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.url?.split('?')[0] !== METRICS_PATH) return void response.writeHead(404).end();
    if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405, { allow: 'GET, HEAD' }).end();
    metrics.serve(request, response);
  });
  await listen(server, host, port);
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { host, port: bound, close: () => close(server) };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
