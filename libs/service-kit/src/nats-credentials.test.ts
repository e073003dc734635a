import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { natsClientOptionsFrom } from './nats-credentials.js';
import { StartupError } from './startup-error.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-nats-credentials-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    natsClientOptionsFrom(env);
  } catch (error) {
    assert.ok(error instanceof StartupError, String(error));
    return error.message;
  }
  return assert.fail('accepted');
}

describe('natsClientOptionsFrom', () => {
  it('without credentials connects as before: the URL only, the default inbox', () => {
    assert.deepEqual(natsClientOptionsFrom({}), { servers: ['nats://127.0.0.1:4222'] });
    assert.deepEqual(natsClientOptionsFrom({ NATS_URL: 'nats://nats:4222' }), { servers: ['nats://nats:4222'] });
  });

  it('reads the password from its file (through a symlink, without its newline) and takes the inbox prefix of the user', () => {
    const target = file('monitor.password', 's3cret\n');
    const link = join(dir, 'link.password');
    symlinkSync(target, link);
    const options = natsClientOptionsFrom({ NATS_USER: 'monitor', NATS_PASSWORD_FILE: link });
    assert.deepEqual(options, { servers: ['nats://127.0.0.1:4222'], user: 'monitor', pass: 's3cret', inboxPrefix: '_INBOX_monitor' });
    assert.equal(natsClientOptionsFrom({ NATS_USER: 'monitor', NATS_PASSWORD_FILE: target, NATS_INBOX_PREFIX: '_INBOX_x' }).inboxPrefix, '_INBOX_x');
  });

  it('names the variable and the reason for each bad setting, and never the secret', () => {
    const password = file('p', 'hunter2\n');
    assert.match(refusal({ NATS_USER: 'monitor' }), /^NATS_PASSWORD_FILE: required with NATS_USER/);
    assert.match(refusal({ NATS_PASSWORD_FILE: password }), /^NATS_USER: required with NATS_PASSWORD_FILE/);
    assert.match(refusal({ NATS_USER: 'm', NATS_PASSWORD_FILE: join(dir, 'missing') }), /^NATS_PASSWORD_FILE: cannot read .*missing \(ENOENT\)/);
    assert.match(refusal({ NATS_USER: 'm', NATS_PASSWORD_FILE: file('empty', '\n') }), /^NATS_PASSWORD_FILE: .* is empty/);
    assert.match(refusal({ NATS_USER: 'm', NATS_PASSWORD_FILE: file('two', 'a\nb\n') }), /^NATS_PASSWORD_FILE: .* more than one line/);
    mkdirSync(join(dir, 'a-folder'));
    assert.match(refusal({ NATS_USER: 'm', NATS_PASSWORD_FILE: join(dir, 'a-folder') }), /^NATS_PASSWORD_FILE: .* is not a regular file/);
    assert.match(refusal({ NATS_USER: 'm', NATS_PASSWORD_FILE: file('big', 'x'.repeat(70_000)) }), /^NATS_PASSWORD_FILE: .* 70000 bytes/);
    assert.match(refusal({ NATS_CREDS: password, NATS_USER: 'm', NATS_PASSWORD_FILE: password }), /^NATS_CREDS: give either/);
    assert.match(refusal({ NATS_CERT: password }), /^NATS_KEY: required with NATS_CERT/);
    assert.match(refusal({ NATS_KEY: password }), /^NATS_CERT: required with NATS_KEY/);
    assert.match(refusal({ NATS_USER: 'm', NATS_PASSWORD_FILE: password, NATS_INBOX_PREFIX: '_INBOX.>' }), /^NATS_INBOX_PREFIX: "_INBOX\.>" must be a subject without wildcards/);
    assert.match(refusal({ NATS_USER: 'a b', NATS_PASSWORD_FILE: password }), /^NATS_INBOX_PREFIX: "_INBOX_a b"/);
  });

  it('reads TLS material from the files named', () => {
    const ca = file('ca.pem', 'CA');
    const options = natsClientOptionsFrom({ NATS_CA: ca, NATS_CERT: file('cert.pem', 'CERT'), NATS_KEY: file('key.pem', 'KEY') });
    assert.deepEqual(options.tls, { ca: 'CA', cert: 'CERT', key: 'KEY' });
    assert.deepEqual(natsClientOptionsFrom({ NATS_CA: ca }).tls, { ca: 'CA' });
  });
});
