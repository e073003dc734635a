import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

/**
 * A Docker API proxy on its own unix socket, forwarding to a real engine; once told to, it never answers (nor
 * forwards) a request concerning one container, named by name or id: a hung engine, for that container only.
 */
export class StallingDockerProxy {
  readonly socketPath: string;
  readonly host: string;
  private readonly server: Server;
  private readonly held = new Set<ServerResponse>();
  private stalled: string[] = [];
  stalledRequests = 0;

  constructor(
    private readonly upstreamSocket: string,
    dir: string,
  ) {
    this.socketPath = join(dir, 'stalling.sock');
    this.host = `unix://${this.socketPath}`;
    this.server = createServer((req, res) => this.route(req, res));
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
  }

  /** From now on, requests for this container (by any of its names or ids) get no answer. */
  stall(...nameOrIds: string[]): void {
    this.stalled = nameOrIds;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (this.concernsStalled(req.url ?? '')) {
      this.stalledRequests += 1;
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    const upstream = request({ socketPath: this.upstreamSocket, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // The events stream answers with headers at once and a body only when something happens: pass them on now.
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  private concernsStalled(url: string): boolean {
    const path = decodeURIComponent(url.split('?')[0] ?? '');
    const container = /\/containers\/([^/]+)/.exec(path)?.[1];
    return container !== undefined && this.stalled.includes(container.replace(/^\//, ''));
  }
}
