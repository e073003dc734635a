import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeContent } from './compute-content.js';
import type { ConfigEdit } from './config-edit.js';

const none = new Map<string, string>();

describe('computeContent', () => {
  it('sets YAML keys by dotted path and keeps comments', () => {
    const edit: ConfigEdit = { path: '/f', format: 'yaml', change: { kind: 'set', values: { 'server.port': 8081, 'server.name': 'web' } } };
    assert.equal(computeContent(edit, '# the app\nserver:\n  port: 8080 # public\n', none), '# the app\nserver:\n  port: 8081 # public\n  name: web\n');
  });

  it('sets JSON keys, keeping indentation and the final newline', () => {
    const edit: ConfigEdit = { path: '/f', format: 'json', change: { kind: 'set', values: { 'a.b': true } } };
    assert.equal(computeContent(edit, '{\n    "a": {\n        "b": false\n    }\n}\n', none), '{\n    "a": {\n        "b": true\n    }\n}\n');
  });

  it('rewrites the one ddclient assignment in place, also on a shared line, and reads secret references', () => {
    const conf = 'protocol=nsupdate\nlogin=me, password=old # typo\nlab.example\n';
    const edit: ConfigEdit = { path: '/f', format: 'ddclient', change: { kind: 'set', values: { password: { secretFile: 'pw' } } } };
    assert.equal(computeContent(edit, conf, new Map([['pw', 'new pass']])), "protocol=nsupdate\nlogin=me, password='new pass' # typo\nlab.example\n");
  });

  it('adds a missing ddclient option before the first host line', () => {
    const edit: ConfigEdit = { path: '/f', format: 'ddclient', change: { kind: 'set', values: { ttl: 60 } } };
    assert.equal(computeContent(edit, 'protocol=nsupdate\nlab.example\n', none), 'protocol=nsupdate\nttl=60\nlab.example\n');
  });

  it('refuses what does not fit: an ambiguous option, a missing or repeated text, an unread secret', () => {
    const twice: ConfigEdit = { path: '/f', format: 'ddclient', change: { kind: 'set', values: { password: 'x' } } };
    assert.throws(() => computeContent(twice, 'password=a\nh1\npassword=b\nh2\n', none), /change\.values\.password: .*2 lines/u);
    const replace = (old: string): ConfigEdit => ({ path: '/f', format: 'caddyfile', change: { kind: 'replace_text', old, new: 'y' } });
    assert.throws(() => computeContent(replace('zz'), 'x x', none), /change\.old: .*not in the file/u);
    assert.throws(() => computeContent(replace('x'), 'x x', none), /change\.old: .*more than once/u);
    const secret: ConfigEdit = { path: '/f', format: 'yaml', change: { kind: 'set', values: { token: { secretFile: 'tk' } } } };
    assert.throws(() => computeContent(secret, 'a: 1\n', none), /change\.values\.token: secret file tk/u);
  });

  it('refuses a ddclient value that would break the line', () => {
    const edit: ConfigEdit = { path: '/f', format: 'ddclient', change: { kind: 'set', values: { password: "it's, odd" } } };
    assert.throws(() => computeContent(edit, 'password=a\n', none), /single quote/u);
  });
});
