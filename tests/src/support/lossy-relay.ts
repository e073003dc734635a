import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** How long the server stays silent before a losing relay cuts its connections: its burst of deliveries is over. */
const QUIET_MS = 250;

/**
 * A loopback TCP relay in front of a server that can lose what the server sends, the way a dropped connection
 * does: once armed, it lets a number of the server's bytes through, reads and drops what follows, then cuts every
 * connection. The server believes it delivered what was dropped. Connections made after that are relayed whole.
 */
export class LossyRelay {
  private readonly pairs = new Set<[Socket, Socket]>();
  private passing = Number.POSITIVE_INFINITY;
  private dropped = 0;
  private quiet: NodeJS.Timeout | undefined;
  private cut: ((dropped: number) => void) | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<LossyRelay> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const relay = new LossyRelay(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => relay.relay(client, targetPort));
    return relay;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Lets `bytes` more of the server's bytes through, then loses the rest until the server is quiet; resolves with how many were lost. */
  loseAfter(bytes: number): Promise<number> {
    this.passing = bytes;
    this.dropped = 0;
    return new Promise((resolve) => (this.cut = resolve));
  }

  async close(): Promise<void> {
    clearTimeout(this.quiet);
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, targetPort: number): void {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => this.fromServer(client, chunk));
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('close', end).on('error', end);
  }

  private fromServer(client: Socket, chunk: Buffer): void {
    const through = Math.min(chunk.length, Math.max(0, this.passing));
    if (through > 0) client.write(through === chunk.length ? chunk : chunk.subarray(0, through));
    this.passing -= through;
    if (through === chunk.length) return;
    this.dropped += chunk.length - through;
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.cutAll(), QUIET_MS);
  }

  private cutAll(): void {
    this.passing = Number.POSITIVE_INFINITY;
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.cut?.(this.dropped);
    this.cut = undefined;
  }
}
