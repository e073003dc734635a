import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseKeyOf, CONTAINER_NAME_PATTERN, containerTarget, DNS_NAME_PATTERN, MOUNT_PATH_PATTERN, parseTargetKey, TargetRef, targetKey } from './target.js';

describe('container targets', () => {
  it('builds a TargetRef and its stable key', () => {
    const target = containerTarget('web-1');
    assert.ok(target instanceof TargetRef);
    assert.deepEqual({ ...target }, { kind: 'container', id: 'web-1' });
    assert.equal(targetKey(target), 'container:web-1');
  });

  it('accepts Docker container names and refuses path or shell syntax', () => {
    for (const name of ['web', 'web-1', 'a.b_c', '0db', 'Jarvis_NATS.1']) assert.match(name, CONTAINER_NAME_PATTERN);
    for (const name of ['', '/web', '-web', '.web', '_web', 'a/b', '../x', 'a b', 'web;rm', 'web$', 'wéb', 'web\n']) {
      assert.doesNotMatch(name, CONTAINER_NAME_PATTERN, JSON.stringify(name));
    }
  });
});

describe('target identities of every kind', () => {
  it('accepts normalised absolute mount paths only', () => {
    for (const path of ['/', '/srv', '/srv/data', '/mnt/media-1', '/var/lib/docker', '/a.b/c_d@e+f']) assert.match(path, MOUNT_PATH_PATTERN);
    for (const path of ['', 'srv', '/srv/', '//srv', '/srv//data', '/srv/./x', '/srv/../etc', '/..', '/.', '/srv/..', '/a b', '/a;b', '/a$(x)', '/a\0b', '/a\nb', '/é']) {
      assert.doesNotMatch(path, MOUNT_PATH_PATTERN, JSON.stringify(path));
    }
  });

  it('accepts lower-case DNS names only, as dns_record ids', () => {
    for (const name of ['localhost', 'www.lab.jarvis.test', 'a-b.example.org', 'xn--bcher-kva.example', '1.2.3.in-addr.arpa', `${'a'.repeat(63)}.test`]) assert.match(name, DNS_NAME_PATTERN);
    const tooLong = Array.from({ length: 5 }, () => 'a'.repeat(63)).join('.');
    for (const name of ['', '.', 'www.lab.test.', 'WWW.lab.test', '-www.test', 'www-.test', 'a..b', 'a_b.test', 'a b.test', 'a;b', '$(id).test', 'a/b', `${'a'.repeat(64)}.test`, tooLong, 'a\n.test']) {
      assert.doesNotMatch(name, DNS_NAME_PATTERN, JSON.stringify(name));
    }
    assert.deepEqual(parseTargetKey('dns_record:www.lab.jarvis.test'), { ok: true, target: Object.assign(new TargetRef(), { kind: 'dns_record', id: 'www.lab.jarvis.test' }) });
    assert.deepEqual(parseTargetKey('dns_record:WWW'), { ok: false, error: '"dns_record:WWW": the id must be a lower-case DNS name without the root dot (www.example.org)' });
  });

  it('parses a target key, naming what is wrong with a bad one', () => {
    assert.deepEqual(parseTargetKey('disk:/srv/data'), { ok: true, target: Object.assign(new TargetRef(), { kind: 'disk', id: '/srv/data' }) });
    assert.deepEqual(parseTargetKey('http_endpoint:plex'), { ok: true, target: Object.assign(new TargetRef(), { kind: 'http_endpoint', id: 'plex' }) });
    assert.deepEqual(parseTargetKey('vm:x'), { ok: false, error: '"vm:x" must start with a target kind (container, disk, http_endpoint, tls_certificate, caddy, ddclient, dns_record) and a colon' });
    assert.deepEqual(parseTargetKey('container:a/b'), { ok: false, error: '"container:a/b": the id must be a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)' });
  });

  it('keys a case by target and check', () => {
    assert.equal(caseKeyOf(containerTarget('web'), 'container_state'), 'container:web#container_state');
    assert.equal(caseKeyOf('disk:/srv', 'disk_usage'), 'disk:/srv#disk_usage');
  });
});
