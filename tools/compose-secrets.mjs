#!/usr/bin/env node
// One-time setup of the secrets docker-compose.yml reads (run it again at any time: existing secrets are kept):
//   infra/nats/secrets/   one NATS password per identity and their bcrypt hashes (tools/nats-secrets.mjs)
//   infra/secrets/        the API token (api-token) and its SHA-256 (api-token.sha256)
// Jarvis's files are given to the user the Jarvis image runs as (a compose secret is a bind mount: it keeps the
// file's owner and mode 0600); operator.password (for the NATS CLI) and the hashes NATS reads stay root's.
// Usage: node tools/compose-secrets.mjs [--owner UID[:GID]] [--nats-dir DIR] [--api-dir DIR]
//   (defaults: 10001:10001, the image's user; infra/nats/secrets; infra/secrets)
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const flag = (name) => (process.argv.includes(name) ? (process.argv[process.argv.indexOf(name) + 1] ?? '') : undefined);
const owner = flag('--owner') ?? '10001:10001';
const natsDir = flag('--nats-dir') ?? join(root, 'infra', 'nats', 'secrets');
const apiDir = flag('--api-dir') ?? join(root, 'infra', 'secrets');
if (!/^\d+(:\d+)?$/.test(owner) || !natsDir || !apiDir) {
  console.error('usage: node tools/compose-secrets.mjs [--owner UID[:GID]] [--nats-dir DIR] [--api-dir DIR]');
  process.exit(2);
}
const [uid, gid = uid] = owner.split(':').map(Number);

const nats = spawnSync(process.execPath, [join(root, 'tools', 'nats-secrets.mjs'), '--dir', natsDir, '--owner', `${uid}:${gid}`], { stdio: 'inherit' });
if (nats.status !== 0) process.exit(nats.status ?? 1);

mkdirSync(apiDir, { recursive: true, mode: 0o700 });
const tokenFile = join(apiDir, 'api-token');
if (!existsSync(tokenFile)) writeFileSync(tokenFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
const token = readFileSync(tokenFile, 'utf8').trim();
// The gateway compares a presented token with this hash; it never needs the token itself.
const hashFile = join(apiDir, 'api-token.sha256');
writeFileSync(hashFile, `${createHash('sha256').update(token, 'utf8').digest('hex')}\n`, { mode: 0o600 });
for (const file of [tokenFile, hashFile]) chownSync(file, uid, gid);
console.log(`API token in ${tokenFile} (owner ${uid}:${gid})`);
