import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDdclientConfig } from './parse-ddclient-config.js';
import { renderDdclientConfig, renderMaskedDdclientConfig, setDdclientOption } from './render-ddclient-config.js';

const CANARY = 'Canary-9d1e+/x=';
const CONFIG = [
  '# Jarvis lab: keep this comment',
  'daemon=300',
  'protocol=dyndns2, server=members.example.org',
  'login=alice',
  `password=${CANARY}   # the account password`,
  '',
  '# first host',
  'ttl=60 a.example.org',
  "b.example.org bob 'old-legacy'",
  '',
].join('\n');

describe('rendering ddclient.conf', () => {
  it('renders a parsed file back byte for byte', () => {
    assert.equal(renderDdclientConfig(parseDdclientConfig(CONFIG)), CONFIG);
  });

  it('changes one global option and keeps comments and everything else', () => {
    const edited = setDdclientOption(parseDdclientConfig(CONFIG), { host: null, name: 'password', value: 'n3w-Secret' });
    assert.equal(edited, CONFIG.replace(CANARY, 'n3w-Secret'));
    assert.equal(parseDdclientConfig(edited).hosts.find((h) => h.name === 'a.example.org')?.settings.get('password')?.value, 'n3w-Secret');
  });

  it("changes a host's own setting on its line, and adds a missing one to that line only", () => {
    const document = parseDdclientConfig(CONFIG);
    assert.equal(setDdclientOption(document, { host: 'a.example.org', name: 'ttl', value: '300' }), CONFIG.replace('ttl=60 a.example.org', 'ttl=300 a.example.org'));
    const withZone = setDdclientOption(document, { host: 'a.example.org', name: 'script', value: '/nic/update' });
    assert.ok(withZone.includes('script=/nic/update ttl=60 a.example.org'));
    assert.equal(parseDdclientConfig(withZone).hosts.find((h) => h.name === 'b.example.org')?.settings.has('script'), false);
  });

  it('adds a missing global before the first host, quoting a value that needs it', () => {
    const edited = setDdclientOption(parseDdclientConfig(CONFIG), { host: null, name: 'cmd', value: 'echo 1.2.3.4' });
    assert.ok(edited.includes('cmd="echo 1.2.3.4"\nttl=60 a.example.org'), edited);
  });

  it('refuses values ddclient could not read back, and unknown hosts, changing nothing', () => {
    const document = parseDdclientConfig(CONFIG);
    assert.throws(() => setDdclientOption(document, { host: null, name: 'password', value: 'has space' }), /password: ddclient 3.10 cannot read a password that is empty, holds whitespace/);
    assert.throws(() => setDdclientOption(document, { host: null, name: 'cmd', value: 'echo\nrm -rf /' }), /cmd: the value contains a newline/);
    assert.throws(() => setDdclientOption(document, { host: null, name: 'cmd', value: 'a#b' }), /cmd: ddclient 3.10 reads # as the start of a comment/);
    assert.throws(() => setDdclientOption(document, { host: 'nope.example.org', name: 'ttl', value: '1' }), /host "nope.example.org" is not in the config/);
    assert.throws(() => setDdclientOption(document, { host: null, name: 'Bad Name', value: '1' }), /option name "Bad Name"/);
  });

  it('masks every secret, the old-form password included, and nothing else', () => {
    const masked = renderMaskedDdclientConfig(parseDdclientConfig(CONFIG));
    assert.ok(!masked.includes(CANARY) && !masked.includes('old-legacy'), masked);
    assert.ok(masked.includes('password=***   # the account password'));
    assert.ok(masked.includes('b.example.org bob ***'));
    assert.equal(masked.replace(/\*\*\*/g, ''), CONFIG.replace(CANARY, '').replace("'old-legacy'", ''));
  });
});
