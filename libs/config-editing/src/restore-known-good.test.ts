import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeContent } from './compute-content.js';
import { parseConfigEdit, type ConfigEdit } from './config-edit.js';
import { ConfigEditError } from './config-edit-error.js';
import { isCredentialChange } from './secret-masking.js';

const none = new Map<string, string>();
const GOOD = "protocol=nsupdate\nserver=127.0.0.1:53\nlogin=/usr/bin/nsupdate\npassword='/etc/ddclient/K lab.key'\nzone=lab.test\nwww.lab.test\n";
const BROKEN = 'protocol=nsupdate\nserver=127.0.0.1:53\nlogin=/usr/bin/nsupdate\npassword=/etc/ddclient/Ktypo.key\nzone=lab.test\nttl=5\nwww.lab.test\n';

function restore(keys: string[]): ConfigEdit {
  return { path: '/etc/ddclient.conf', format: 'ddclient', change: { kind: 'restore_known_good', knownGood: 'ddclient.conf.1a2b3c4d.20250301T120000000Z.good', keys } };
}

describe('restore_known_good: credentials back from the known-good copy', () => {
  it('given a typo in the password, then login, password and server take the copy\'s text, quotes kept, and nothing else changes', () => {
    const after = computeContent(restore(['login', 'password', 'server']), BROKEN, none, GOOD);
    assert.equal(after, BROKEN.replace('password=/etc/ddclient/Ktypo.key', "password='/etc/ddclient/K lab.key'"));
  });

  it('given a key neither file assigns, then it is left alone', () => {
    const after = computeContent(restore(['password']), 'protocol=nsupdate\npassword=typo\nhost.test\n', none, 'password=right\nhost.test\n');
    assert.equal(after, 'protocol=nsupdate\npassword=right\nhost.test\n');
    assert.equal(computeContent(restore(['login', 'password']), 'password=typo\nh\n', none, 'password=right\nh\n'), 'password=right\nh\n');
  });

  it('refuses to guess: a key the file assigns and the copy does not, a key assigned twice, a copy not read', () => {
    assert.throws(() => computeContent(restore(['login']), 'login=me\nh\n', none, 'h\n'), (e: ConfigEditError) => e.field === 'change.keys.login' && /known-good copy does not/.test(e.reason));
    assert.throws(() => computeContent(restore(['password']), 'password=a\nh\n', none, 'password=b\npassword=c\nh\n'), (e: ConfigEditError) => e.field === 'change.keys.password' && /2 lines/.test(e.reason));
    assert.throws(() => computeContent(restore(['password']), 'password=a\nh\n', none), (e: ConfigEditError) => e.field === 'change.knownGood');
  });

  it('is always a credential change, whatever the diff says', () => {
    assert.equal(isCredentialChange(restore(['server']), ''), true);
  });
});

describe('parseConfigEdit: restore_known_good', () => {
  it('accepts a ddclient edit naming a copy and option names, each key once', () => {
    const parsed = parseConfigEdit({ path: '/etc/ddclient.conf', format: 'ddclient', change: { kind: 'restore_known_good', knownGood: 'a.good', keys: ['password', 'password', 'login'] } });
    assert.deepEqual(parsed, { ok: true, value: { path: '/etc/ddclient.conf', format: 'ddclient', change: { kind: 'restore_known_good', knownGood: 'a.good', keys: ['password', 'login'] } } });
  });

  it('refuses another format, a path as copy name, no keys, and keys that are no option names, naming each field', () => {
    assert.deepEqual(parseConfigEdit({ path: '/f', format: 'yaml', change: { kind: 'restore_known_good', knownGood: 'a.good', keys: ['x'] } }), {
      ok: false,
      problems: [{ field: 'change.kind', reason: 'restore_known_good applies to ddclient files only, not yaml' }],
    });
    const bad = parseConfigEdit({ path: '/f', format: 'ddclient', change: { kind: 'restore_known_good', knownGood: '../../etc/shadow', keys: ['-x', 'a\nb'] } });
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.problems.map((p) => p.field), ['change.knownGood', 'change.keys.0', 'change.keys.1']);
    const empty = parseConfigEdit({ path: '/f', format: 'ddclient', change: { kind: 'restore_known_good', knownGood: 'a.good', keys: [] } });
    assert.deepEqual(!empty.ok && empty.problems.map((p) => p.field), ['change.keys']);
  });
});
