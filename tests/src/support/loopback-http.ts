import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export type SeenRequest = { method: string; url: string; host: string };

/** An HTTP(S) server on a loopback address, started and stopped by the test that uses it. */
export type LoopbackHttpServer = {
  port: number;
  /** `http://127.0.0.1:PORT` or `https://…`. */
  origin: string;
  seen: SeenRequest[];
  stop(): Promise<void>;
};

export type TlsFiles = { keyFile: string; certFile: string };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function startHttpServer(handler: Handler, options: { tls?: TlsFiles; host?: string } = {}): Promise<LoopbackHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const seen: SeenRequest[] = [];
  const record: Handler = (req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '' });
    handler(req, res);
  };
  const tls = options.tls;
  const server: HttpServer = tls
    ? createHttpsServer({ key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) }, record)
    : createHttpServer(record);
  const port = await listen(server, host);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    origin: `${tls ? 'https' : 'http'}://${shown}:${port}`,
    seen,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP server that answers each connection with fixed bytes, or (without them) never sends a byte: an app hung
 * before its first answer.
 */
export type RawTcpServer = { port: number; accepted: number; openSockets(): number; stop(): Promise<void> };

export async function startRawTcpServer(reply?: string): Promise<RawTcpServer> {
  const sockets = new Set<Socket>();
  const state = { accepted: 0 };
  const server: TcpServer = createTcpServer((socket) => {
    state.accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // Reading (and discarding) the request is what lets the server see the client hang up.
    socket.resume();
    if (reply !== undefined) socket.end(reply);
  });
  const port = await listen(server, '127.0.0.1');
  return {
    port,
    get accepted() {
      return state.accepted;
    },
    openSockets: () => sockets.size,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: HttpServer | TcpServer, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('listening on no TCP port'));
      else resolve(address.port);
    });
  });
}

/** A self-signed certificate (its own CA) made by the openssl CLI, for 127.0.0.1 and the given DNS names. */
export async function makeSelfSignedCertificate(dir: string, dnsNames: string[]): Promise<TlsFiles> {
  const keyFile = join(dir, 'server-key.pem');
  const certFile = join(dir, 'server-cert.pem');
  const altNames = ['IP:127.0.0.1', ...dnsNames.map((name) => `DNS:${name}`)].join(',');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  args.push('-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=jarvis-probe-test', '-addext', `subjectAltName=${altNames}`);
  await promisify(execFile)('openssl', args, { timeout: 30_000 });
  return { keyFile, certFile };
}
