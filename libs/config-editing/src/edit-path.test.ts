import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admittingEntry, editPathProblem, type AllowedEntry } from './edit-path.js';

const HOSTILE: [string, RegExp][] = [
  ['etc/caddy/Caddyfile', /absolute/u],
  ['./Caddyfile', /absolute/u],
  ['/etc/caddy/../shadow', /\. or \.\. segment/u],
  ['/etc/caddy/./Caddyfile', /\. or \.\. segment/u],
  ['/etc/caddy/..', /\. or \.\. segment/u],
  ['/etc//caddy/Caddyfile', /empty segment/u],
  ['/etc/caddy/', /folder/u],
  ['/etc/caddy/Caddyfile\0.bak', /NUL/u],
  ['/etc/caddy/%2e%2e/shadow', /percent-encoded/u],
  ['/etc/caddy/..%2fshadow', /percent-encoded/u],
  ['/etc/caddy/%252e%252e%252fshadow', /percent-encoded/u],
  ['/etc/caddy/a%5cb', /percent-encoded/u],
  ['/etc/caddy/a%00b', /percent-encoded/u],
  ['/etc/caddy/%c0%af', /malformed/u],
  ['/etc/caddy/a\\..\\b', /backslash/u],
  ['/etc/caddy/a\nb', /control/u],
  ['/etc/caddy/\u001b[2Jx', /control/u],
  ['/etc/caddy/a\u2215..\u2215b', /separator/u],
  ['/etc/caddy/a\uff0fb', /separator/u],
  ['/etc/caddy/\ufe52\ufe52', /separator|folding/u],
];

describe('editPathProblem', () => {
  for (const [path, reason] of HOSTILE) {
    it(`refuses ${JSON.stringify(path)}`, () => {
      assert.match(editPathProblem(path) ?? 'accepted', reason);
    });
  }

  it('accepts a plain absolute path, with dots and percent signs that decode to nothing dangerous', () => {
    for (const path of ['/etc/caddy/Caddyfile', '/etc/ddclient.conf', '/srv/app/config.v2.yaml', '/srv/app/100%25.json', '/srv/.hidden/app.json']) {
      assert.equal(editPathProblem(path), undefined, path);
    }
  });
});

describe('admittingEntry', () => {
  const allowed: AllowedEntry[] = [
    { configured: '/etc/caddy', realPath: '/etc/caddy', kind: 'folder' },
    { configured: '/etc/ddclient.conf', realPath: '/etc/ddclient.conf', kind: 'file' },
  ];

  it('admits files below a whitelisted folder and a whitelisted file itself', () => {
    assert.equal(admittingEntry('/etc/caddy/Caddyfile', allowed)?.configured, '/etc/caddy');
    assert.equal(admittingEntry('/etc/caddy/sites/a.caddy', allowed)?.configured, '/etc/caddy');
    assert.equal(admittingEntry('/etc/ddclient.conf', allowed)?.configured, '/etc/ddclient.conf');
  });

  it('does not take a string prefix for containment, nor a file entry for a folder', () => {
    assert.equal(admittingEntry('/etc/caddy-evil/Caddyfile', allowed), undefined);
    assert.equal(admittingEntry('/etc/caddy', allowed), undefined);
    assert.equal(admittingEntry('/etc/ddclient.conf.d/x', allowed), undefined);
    assert.equal(admittingEntry('/etc/shadow', allowed), undefined);
  });
});
