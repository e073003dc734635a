import { readFileSync, realpathSync, statSync } from 'node:fs';
import { credsAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';
import { StartupError } from './startup-error.js';

/** What every NATS connection of a Jarvis process is opened with: its server, identity, TLS and inbox prefix. */
export type NatsClientOptions = Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'authenticator' | 'tls' | 'inboxPrefix'>;

/** Credential files are small; a bigger one is the wrong file, not a credential. */
const MAX_CREDENTIAL_BYTES = 64 * 1024;

/**
 * Reads the identity from `NATS_CREDS` (a creds file) or `NATS_USER` + `NATS_PASSWORD_FILE`, and TLS from `NATS_CA`,
 * `NATS_CERT`, `NATS_KEY`. A bad setting is a StartupError naming the variable; no message ever contains a secret.
 * The inbox prefix is `NATS_INBOX_PREFIX`, else `_INBOX_<NATS_USER>`, which the generated server permissions expect.
 */
export function natsClientOptionsFrom(env: NodeJS.ProcessEnv): NatsClientOptions {
  const options: NatsClientOptions = { servers: [env['NATS_URL'] || 'nats://127.0.0.1:4222'] };
  const user = env['NATS_USER'] || undefined;
  const passwordFile = env['NATS_PASSWORD_FILE'] || undefined;
  const creds = env['NATS_CREDS'] || undefined;
  if (creds && (user || passwordFile)) throw new StartupError('NATS_CREDS: give either a creds file or NATS_USER with NATS_PASSWORD_FILE, not both');
  if (user && !passwordFile) throw new StartupError('NATS_PASSWORD_FILE: required with NATS_USER (a file holding the password)');
  if (passwordFile && !user) throw new StartupError('NATS_USER: required with NATS_PASSWORD_FILE');
  if (user && passwordFile) {
    options.user = user;
    options.pass = readPassword(passwordFile);
  }
  if (creds) options.authenticator = credsAuthenticator(readCredential('NATS_CREDS', creds));
  const tls = tlsOptionsFrom(env);
  if (tls) options.tls = tls;
  const inboxPrefix = env['NATS_INBOX_PREFIX'] || (user ? `_INBOX_${user}` : undefined);
  if (inboxPrefix !== undefined) options.inboxPrefix = checkedInboxPrefix(inboxPrefix);
  return options;
}

function readPassword(file: string): string {
  const password = Buffer.from(readCredential('NATS_PASSWORD_FILE', file)).toString('utf8').replace(/\r?\n$/, '');
  if (password.length === 0) throw new StartupError(`NATS_PASSWORD_FILE: ${file} is empty`);
  if (/[\r\n]/.test(password)) throw new StartupError(`NATS_PASSWORD_FILE: ${file} holds more than one line`);
  return password;
}

function tlsOptionsFrom(env: NodeJS.ProcessEnv): NatsClientOptions['tls'] {
  const [ca, cert, key] = [env['NATS_CA'], env['NATS_CERT'], env['NATS_KEY']].map((value) => value || undefined);
  if (!ca && !cert && !key) return undefined;
  if (Boolean(cert) !== Boolean(key)) throw new StartupError(`${cert ? 'NATS_KEY' : 'NATS_CERT'}: required with ${cert ? 'NATS_CERT' : 'NATS_KEY'} (a client certificate needs its key)`);
  return {
    ...(ca ? { ca: text(readCredential('NATS_CA', ca)) } : {}),
    ...(cert && key ? { cert: text(readCredential('NATS_CERT', cert)), key: text(readCredential('NATS_KEY', key)) } : {}),
  };
}

/** Resolved (symlinks too) and checked to be a small regular file before it is read; errors name the variable. */
function readCredential(variable: string, file: string): Uint8Array {
  let resolved: string;
  try {
    resolved = realpathSync(file);
  } catch (error) {
    throw new StartupError(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const stats = statSync(resolved);
  if (!stats.isFile()) throw new StartupError(`${variable}: ${file} is not a regular file`);
  if (stats.size > MAX_CREDENTIAL_BYTES) throw new StartupError(`${variable}: ${file} is ${stats.size} bytes, more than a credential file can be (${MAX_CREDENTIAL_BYTES})`);
  try {
    return readFileSync(resolved);
  } catch (error) {
    throw new StartupError(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function checkedInboxPrefix(prefix: string): string {
  if (!/^[^\s*>.]+(\.[^\s*>.]+)*$/.test(prefix)) throw new StartupError(`NATS_INBOX_PREFIX: "${prefix}" must be a subject without wildcards or spaces`);
  return prefix;
}
