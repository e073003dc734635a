import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnTracked, type TrackedProcess } from '../support/processes.js';
import { makeListenerCertificate } from './lab-certificates.js';
import { caddyRetry, dig, httpsGet, nsupdate, runDdclient, type DdclientRun, type DigAnswer } from './lab-clients.js';
import { writeTemplate } from './lab-templates.js';
import { waitUntilReady } from './ready.js';

export type { DdclientRun, DigAnswer } from './lab-clients.js';

export const LAB_ZONE = 'lab.jarvis.test';
export const LAB_ADDRESS = '127.0.0.1';
const TSIG_KEY_NAME = 'jarvis-lab-ddclient';
const START_TIMEOUT_MS = 30_000;
const KEYGEN_TIMEOUT_MS = 15_000;

export type EdgeLabOptions = {
  /** Folder for every config, key, cache, certificate and log (created if missing); a fresh temp folder by default. */
  dir?: string;
  /** Labels under the lab zone that ddclient publishes and Caddy serves: `['www']` → www.lab.jarvis.test. */
  labels?: string[];
  /** Fixed ports instead of free ones (a test that needs a conflict). */
  ports?: Partial<EdgeLabPorts>;
};

export type EdgeLabPorts = {
  /** The lab zone's authoritative named. */
  dns: number;
  /** A caching resolver forwarding the lab zone to it (answers cached for their 5 s TTL). */
  resolver: number;
  acme: number;
  acmeManagement: number;
  caddyAdmin: number;
  /** Caddy's HTTP and HTTPS ports, which are also pebble's http-01 and tls-alpn-01 challenge ports. */
  http: number;
  https: number;
  upstream: number;
};

export type EdgeLabPaths = {
  dir: string;
  namedConf: string;
  zoneFile: string;
  /** named's copy of the TSIG key. */
  tsigKey: string;
  resolverConf: string;
  resolverRootHints: string;
  /** The key file ddclient.conf names as its password (ddclient's own copy, which `breakSecret` spoils). */
  ddclientKey: string;
  /** The same key with a mistyped secret, named by ddclient.conf after `breakSecret('config')`. */
  ddclientTypoKey: string;
  ddclientConf: string;
  ddclientCache: string;
  pebbleConfig: string;
  /** The CA of pebble's HTTPS listener: Caddy's `acme_ca_root`. */
  pebbleListenerCa: string;
  caddyfile: string;
  caddyStorage: string;
  upstreamRoot: string;
};

export type LabProcessName = 'named' | 'resolver' | 'pebble' | 'upstream' | 'caddy';

/** Where the mistyped secret lives: in ddclient's key file, or in ddclient.conf naming another key file. */
export type SecretFault = 'key-file' | 'config';

export type EdgeLab = {
  zone: string;
  /** The fully qualified names ddclient publishes and Caddy serves. */
  hosts: string[];
  address: string;
  tsigKeyName: string;
  ports: EdgeLabPorts;
  paths: EdgeLabPaths;
  processes: Record<LabProcessName, TrackedProcess>;
  pids(): number[];
  /** One ddclient run in the foreground; a failed update is a result (exit code and output), not an exception. */
  runDdclient(options?: { force?: boolean }): Promise<DdclientRun>;
  breakSecret(where?: SecretFault): void;
  fixSecret(): void;
  /** Makes Caddy retry its certificate orders at once (a plain reload of an unchanged config does nothing). */
  caddyRetry(): Promise<void>;
  /** Pebble's issuing root, PEM: it changes at every start. */
  pebbleRoot(): Promise<string>;
  /**
   * Stops Caddy, empties its certificate storage and starts it again: a Caddy that must order its certificates afresh
   * (a rebuilt machine, a lost volume). It tries at once, then waits a minute after a failure.
   */
  restartCaddyWithoutCertificates(): Promise<void>;
  /** The lab's named (or with `at: 'resolver'`, the caching resolver) asked by the real `dig`. */
  dig(name: string, type?: 'A' | 'AAAA', at?: 'authoritative' | 'resolver'): Promise<DigAnswer>;
  /** Removes a host's A record from the zone with nsupdate and the lab's key (a record that vanished). */
  deleteRecord(host: string): Promise<void>;
  stop(): Promise<void>;
};

/**
 * bind9, pebble, a busybox httpd upstream and Caddy on loopback, from Debian's packages; ddclient runs on demand.
 * The zone starts without the hosts' records. A failed start stops whatever had started, by PID.
 */
export async function startEdgeLab(options: EdgeLabOptions = {}): Promise<EdgeLab> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'jarvis-edge-lab-'));
  mkdirSync(dir, { recursive: true });
  const hosts = (options.labels ?? ['www']).map((label) => `${label}.${LAB_ZONE}`);
  const ports = await choosePorts(options.ports ?? {});
  const paths = await writeLabFiles(dir, hosts, ports);
  const started: Partial<Record<LabProcessName, TrackedProcess>> = {};
  try {
    started.named = await launch(dir, 'named', 'named', ['-c', paths.namedConf, '-g', '-p', String(ports.dns)], (log) => log.includes('running'));
    started.resolver = await launch(dir, 'resolver', 'named', ['-c', paths.resolverConf, '-g', '-p', String(ports.resolver)], (log) => log.includes('running'));
    started.pebble = await launch(dir, 'pebble', 'pebble', ['-config', paths.pebbleConfig, '-dnsserver', `127.0.0.1:${ports.dns}`, '-strict=false'], (log) => log.includes('Listening on'), PEBBLE_ENV);
    started.upstream = await launch(dir, 'upstream', 'busybox', ['httpd', '-f', '-p', `127.0.0.1:${ports.upstream}`, '-h', paths.upstreamRoot], () => answersHttp(ports.upstream));
    started.caddy = await launch(dir, 'caddy', 'caddy', ['run', '--config', paths.caddyfile, '--adapter', 'caddyfile'], (log) => log.includes('serving initial configuration'), caddyEnv(dir));
  } catch (error) {
    await stopAll(Object.values(started));
    throw error;
  }
  return edgeLab(hosts, ports, paths, started as Record<LabProcessName, TrackedProcess>);
}

export const PEBBLE_ENV = { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' };

/** Caddy's autosave and default data folders follow HOME/XDG: kept in the lab folder, not the user's. */
function caddyEnv(dir: string): Record<string, string> {
  return { HOME: dir, XDG_CONFIG_HOME: join(dir, 'caddy-home', 'config'), XDG_DATA_HOME: join(dir, 'caddy-home', 'data') };
}

async function choosePorts(fixed: Partial<EdgeLabPorts>): Promise<EdgeLabPorts> {
  const names: Array<keyof EdgeLabPorts> = ['dns', 'resolver', 'acme', 'acmeManagement', 'caddyAdmin', 'http', 'https', 'upstream'];
  const ports = {} as EdgeLabPorts;
  for (const name of names) ports[name] = fixed[name] ?? (await freePort());
  return ports;
}

async function writeLabFiles(dir: string, hosts: string[], ports: EdgeLabPorts): Promise<EdgeLabPaths> {
  const paths: EdgeLabPaths = {
    dir,
    namedConf: join(dir, 'named.conf'),
    zoneFile: join(dir, `${LAB_ZONE}.zone`),
    tsigKey: join(dir, 'tsig.key'),
    resolverConf: join(dir, 'resolver.conf'),
    resolverRootHints: join(dir, 'resolver', 'root.hints'),
    ddclientKey: join(dir, 'ddclient-tsig.key'),
    ddclientTypoKey: join(dir, 'ddclient-tsig-typo.key'),
    ddclientConf: join(dir, 'ddclient.conf'),
    ddclientCache: join(dir, 'ddclient.cache'),
    pebbleConfig: join(dir, 'pebble.json'),
    pebbleListenerCa: '',
    caddyfile: join(dir, 'Caddyfile'),
    caddyStorage: join(dir, 'caddy-storage'),
    upstreamRoot: join(dir, 'upstream'),
  };
  const key = (await promisify(execFile)('tsig-keygen', ['-a', 'hmac-sha256', TSIG_KEY_NAME], { timeout: KEYGEN_TIMEOUT_MS })).stdout;
  writeFileSync(paths.tsigKey, key, { mode: 0o600 });
  writeFileSync(paths.ddclientKey, key, { mode: 0o600 });
  writeFileSync(paths.ddclientTypoKey, mistype(key), { mode: 0o600 });
  const listener = await makeListenerCertificate(dir);
  paths.pebbleListenerCa = listener.caFile;
  mkdirSync(paths.caddyStorage, { recursive: true });
  mkdirSync(join(dir, 'resolver'), { recursive: true });
  mkdirSync(paths.upstreamRoot, { recursive: true });
  writeFileSync(join(paths.upstreamRoot, 'index.html'), 'served by the edge lab upstream\n');
  const values = templateValues(dir, hosts, ports, paths, listener);
  writeTemplate('named.conf.template', paths.namedConf, values);
  writeTemplate('zone.template', paths.zoneFile, values);
  writeTemplate('resolver.conf.template', paths.resolverConf, values);
  writeTemplate('root.hints.template', paths.resolverRootHints, values);
  writeTemplate('ddclient.conf.template', paths.ddclientConf, values, 0o600);
  writeTemplate('pebble.json.template', paths.pebbleConfig, values);
  writeTemplate('Caddyfile.template', paths.caddyfile, values);
  return paths;
}

function templateValues(dir: string, hosts: string[], ports: EdgeLabPorts, paths: EdgeLabPaths, listener: { certFile: string; keyFile: string; caFile: string }) {
  return {
    DIR: dir,
    ZONE: LAB_ZONE,
    ZONE_FILE: paths.zoneFile,
    TSIG_KEY_FILE: paths.tsigKey,
    TSIG_KEY_NAME,
    DDCLIENT_KEY_FILE: paths.ddclientKey,
    HOSTS: hosts.join(','),
    SITES: hosts.join(', '),
    DNS_PORT: ports.dns,
    RESOLVER_PORT: ports.resolver,
    RESOLVER_ROOT_HINTS: paths.resolverRootHints,
    ACME_PORT: ports.acme,
    ACME_MANAGEMENT_PORT: ports.acmeManagement,
    HTTP_PORT: ports.http,
    HTTPS_PORT: ports.https,
    CADDY_ADMIN_PORT: ports.caddyAdmin,
    UPSTREAM_PORT: ports.upstream,
    PEBBLE_CERT_FILE: listener.certFile,
    PEBBLE_KEY_FILE: listener.keyFile,
    PEBBLE_LISTENER_CA_FILE: listener.caFile,
    CADDY_STORAGE: paths.caddyStorage,
  };
}

/** nsupdate reads commands line by line: only a plain name under the lab zone may reach it. */
function labHost(host: string): string {
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host) || !host.endsWith(`.${LAB_ZONE}`)) throw new Error(`"${host}" is not a host name under ${LAB_ZONE}`);
  return host;
}

/** The same key with one character of its secret changed: still valid base64, so the server answers BADSIG. */
function mistype(keyFile: string): string {
  return keyFile.replace(/secret "(.)/, (_match, first: string) => `secret "${first === 'A' ? 'B' : 'A'}`);
}

async function launch(dir: string, name: LabProcessName, command: string, args: string[], ready: (log: string) => boolean | Promise<boolean>, env: Record<string, string> = {}, logName: string = name): Promise<TrackedProcess> {
  const proc = spawnTracked(command, args, { logFile: join(dir, `${logName}.log`), env: { ...process.env, ...env } });
  await waitUntilReady(name, proc, () => ready(proc.log()), START_TIMEOUT_MS);
  return proc;
}

async function answersHttp(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

async function stopAll(processes: TrackedProcess[]): Promise<void> {
  await Promise.all(processes.map((proc) => proc.stop('SIGTERM', 10_000)));
}

function edgeLab(hosts: string[], ports: EdgeLabPorts, paths: EdgeLabPaths, processes: Record<LabProcessName, TrackedProcess>): EdgeLab {
  const goodConfig = readFileSync(paths.ddclientConf, 'utf8');
  const goodKey = readFileSync(paths.ddclientKey, 'utf8');
  let ddclientRuns = 0;
  let caddyStarts = 1;
  return {
    zone: LAB_ZONE,
    hosts,
    address: LAB_ADDRESS,
    tsigKeyName: TSIG_KEY_NAME,
    ports,
    paths,
    processes,
    pids: () => Object.values(processes).map((proc) => proc.pid),
    runDdclient: async ({ force = false } = {}) => {
      ddclientRuns += 1;
      return runDdclient({ conf: paths.ddclientConf, cache: paths.ddclientCache, log: join(paths.dir, `ddclient-run-${ddclientRuns}.log`) }, force);
    },
    breakSecret: (where = 'key-file') => {
      if (where === 'key-file') writeFileSync(paths.ddclientKey, readFileSync(paths.ddclientTypoKey, 'utf8'), { mode: 0o600 });
      else writeFileSync(paths.ddclientConf, goodConfig.replace(`password=${paths.ddclientKey}`, `password=${paths.ddclientTypoKey}`), { mode: 0o600 });
    },
    fixSecret: () => {
      writeFileSync(paths.ddclientKey, goodKey, { mode: 0o600 });
      writeFileSync(paths.ddclientConf, goodConfig, { mode: 0o600 });
    },
    caddyRetry: () => caddyRetry(ports.caddyAdmin, paths.caddyfile),
    restartCaddyWithoutCertificates: async () => {
      await processes.caddy.stop('SIGTERM', 10_000);
      rmSync(paths.caddyStorage, { recursive: true, force: true });
      mkdirSync(paths.caddyStorage, { recursive: true });
      caddyStarts += 1;
      processes.caddy = await launch(paths.dir, 'caddy', 'caddy', ['run', '--config', paths.caddyfile, '--adapter', 'caddyfile'], (log) => log.includes('serving initial configuration'), caddyEnv(paths.dir), `caddy-${caddyStarts}`);
    },
    pebbleRoot: () => httpsGet(`https://127.0.0.1:${ports.acmeManagement}/roots/0`, readFileSync(paths.pebbleListenerCa)),
    dig: (name, type = 'A', at = 'authoritative') => dig(at === 'resolver' ? ports.resolver : ports.dns, name, type),
    deleteRecord: async (host) => nsupdate(paths.tsigKey, [`server 127.0.0.1 ${ports.dns}`, `zone ${LAB_ZONE}.`, `update delete ${labHost(host)}. A`, 'send']),
    stop: () => stopAll(Object.values(processes)),
  };
}
