import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDdclientConfig } from './parse-ddclient-config.js';

function valuesOf(text: string, host: string): Record<string, string> {
  const found = parseDdclientConfig(text).hosts.find((h) => h.name === host);
  assert.ok(found, `host ${host} parsed`);
  return Object.fromEntries([...found.settings.values()].map((s) => [s.name, s.value]));
}

describe('parseDdclientConfig', () => {
  it('reads globals (a=b, c=d), then per-host settings that precede the host names', () => {
    const text = ['# ddclient.conf', 'daemon=300, ssl=yes', '', 'protocol=dyndns2, server=members.example.org', 'login=alice', 'password=s3cret', 'ttl=60 a.example.org,b.example.org'].join('\n');
    const document = parseDdclientConfig(text);
    assert.deepEqual(document.hosts.map((h) => h.name), ['a.example.org', 'b.example.org']);
    assert.deepEqual(valuesOf(text, 'b.example.org'), { daemon: '300', ssl: 'yes', protocol: 'dyndns2', server: 'members.example.org', login: 'alice', password: 's3cret', ttl: '60' });
    assert.equal(document.globals.has('ttl'), false, 'a setting on a host line is not a global');
    assert.deepEqual(document.problems, []);
  });

  it('applies a global only to the hosts below it, as ddclient does', () => {
    const text = 'login=first\none.example.org\nlogin=second\ntwo.example.org\n';
    assert.equal(valuesOf(text, 'one.example.org')['login'], 'first');
    assert.equal(valuesOf(text, 'two.example.org')['login'], 'second');
  });

  it('joins continuation lines ending with a backslash', () => {
    const text = 'protocol=nsupdate, \\\n  server=127.0.0.1:5353, \\\n  zone=lab.test \\\n  www.lab.test\n';
    assert.deepEqual(valuesOf(text, 'www.lab.test'), { protocol: 'nsupdate', server: '127.0.0.1:5353', zone: 'lab.test' });
  });

  it('resolves single and double quotes and backslash escapes in values', () => {
    const text = `use=cmd, cmd="echo 127.0.0.1", web='a b', script=\\"x\\" host.example.org\n`;
    assert.deepEqual(valuesOf(text, 'host.example.org'), { use: 'cmd', cmd: 'echo 127.0.0.1', web: 'a b', script: '"x"' });
  });

  it('reads a password up to whitespace (commas and # included) and strips one pair of single quotes, as ddclient 3.10', () => {
    assert.equal(valuesOf('password=ab#c,d zone=x h.example.org\n', 'h.example.org')['password'], 'ab#c,d');
    assert.equal(valuesOf("password='with space' h.example.org\n", 'h.example.org')['password'], 'with space');
    assert.equal(valuesOf('password="dq" h.example.org\n', 'h.example.org')['password'], '"dq"');
    assert.equal(valuesOf('password = spaced h.example.org\n', 'h.example.org')['password'], 'spaced');
  });

  it('flags a password after a comma, which ddclient 3.10 reads as the literal "dummy"', () => {
    const document = parseDdclientConfig('login=alice,password=real h.example.org\n');
    assert.equal(valuesOf('login=alice,password=real h.example.org\n', 'h.example.org')['password'], 'dummy');
    assert.match(document.problems[0]?.message ?? '', /reads this password as the literal "dummy"/);
    assert.deepEqual(document.problems[0]?.position, { line: 1, column: 1 });
  });

  it('reads the old form host login password', () => {
    const text = 'protocol=dyndns2 h.example.org alice s3cret\n';
    assert.deepEqual(valuesOf(text, 'h.example.org'), { protocol: 'dyndns2', login: 'alice', password: 's3cret' });
    assert.equal(parseDdclientConfig(text).secretSpans.length, 1);
  });

  it('takes host= as a host name', () => {
    assert.deepEqual(parseDdclientConfig('protocol=dyndns2, host=h1.example.org\n').hosts.map((h) => h.name), ['h1.example.org']);
  });

  it('drops comments, also after settings, and ignores blank lines and CRLF endings', () => {
    const text = '# top\r\n\r\nssl=yes # inline\r\nh.example.org # the host\r\n';
    assert.deepEqual(valuesOf(text, 'h.example.org'), { ssl: 'yes' });
  });

  it('locates syntax problems: unterminated quote, trailing escape, whitespace after a continuation, a file ending mid-continuation', () => {
    const document = parseDdclientConfig('ssl=yes\ncmd="echo h.example.org\nweb=x\\\\ \nscript=a\\');
    const messages = document.problems.map((p) => `${p.position?.line ?? '-'}:${p.field}:${p.message}`);
    assert.ok(messages.some((m) => /^2:cmd:.*unterminated quote/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^3:file:whitespace follows the \\/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^-:file:the file ends while expecting a continuation line/.test(m)), messages.join('\n'));
  });

  it('gives each setting the position of its name and the span of its written value', () => {
    const text = 'ssl=yes\n  protocol=nsupdate, zone="lab.test" www.lab.test\n';
    const zone = parseDdclientConfig(text).hosts[0]!.settings.get('zone')!;
    assert.deepEqual(zone.position, { line: 2, column: 22 });
    assert.equal(text.slice(zone.span.start, zone.span.end), '"lab.test"');
  });
});
