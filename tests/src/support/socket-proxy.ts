import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { spawnTracked, freePort, waitFor, type TrackedProcess } from './processes.js';
import { REPO_ROOT } from './jarvis-harness.js';

export const SOCKET_PROXY_CONFIG = join(REPO_ROOT, 'infra', 'socket-proxy', 'haproxy.cfg');

export type SocketProxy = { host: string; port: number; process: TrackedProcess; stop(): Promise<void> };

/**
 * Debian's haproxy running infra/socket-proxy/haproxy.cfg in front of a private dockerd's socket, prepared the way
 * the docker-socket-proxy image's entrypoint prepares it (${BIND_CONFIG} replaced, SOCKET_PATH in the environment).
 */
export async function startSocketProxy(dockerSocket: string, dir: string, env: Record<string, string> = {}): Promise<SocketProxy> {
  const port = await freePort();
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, readFileSync(SOCKET_PROXY_CONFIG, 'utf8').replaceAll('${BIND_CONFIG}', `127.0.0.1:${port}`));
  const proc = spawnTracked('haproxy', ['-W', '-db', '-f', config], {
    env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin', SOCKET_PATH: dockerSocket, ...env },
    logFile: join(dir, 'haproxy.log'),
  });
  await waitFor('haproxy to answer', async () => (await rawRequest(port, 'GET', '/_ping')).status === 200, 15_000, 100);
  return { host: `tcp://127.0.0.1:${port}`, port, process: proc, stop: async () => void (await proc.stop('SIGTERM', 20_000)) };
}

export type RawAnswer = { status: number; contentType: string; body: string };

/** One HTTP request sent exactly as given (no path normalisation), for the proxy's path and header rules. */
export function rawRequest(port: number, method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: options.headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
