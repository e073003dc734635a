import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitEntryName, isInsideRoot } from './path-guard.js';

/**
 * Hostile names a directory listing could hand the sweep, generated as a table. Fragments that make any name unsafe
 * are tried alone and at the start, middle and end of a plain name; whole-name tricks (dots) are tried as given.
 */
const ANYWHERE: ReadonlyArray<readonly [string, string]> = [
  ['separator', '/'],
  ['double separator', '//'],
  ['parent escape', '../'],
  ['absolute prefix', '/etc/passwd'],
  ['backslash', '\\'],
  ['backslash escape', '..\\'],
  ['NUL', '\0'],
  ['NUL before an extension', '\0.tmp'],
  ['newline', '\n'],
  ['carriage return', '\r'],
  ['tab', '\t'],
  ['escape sequence', '\u001b[2J'],
  ['DEL', '\u007f'],
  ['C1 next line', '\u0085'],
  ['percent slash', '%2f'],
  ['percent slash upper', '%2F'],
  ['percent backslash', '%5c'],
  ['percent dot dot slash', '%2e%2e%2f'],
  ['percent NUL', '%00'],
  ['double-encoded slash', '%252f'],
  ['triple-encoded slash', '%25252F'],
  ['encoded percent then slash', '%25%32%66'],
  ['percent overlong slash', '%c0%af'],
  ['percent overlong dot', '%c0%ae'],
  ['percent 3-byte overlong slash', '%e0%80%af'],
  ['percent broken escape', '%%2f'],
  ['fullwidth solidus', '\uff0f'],
  ['fullwidth reverse solidus', '\uff3c'],
  ['division slash', '\u2215'],
  ['fraction slash', '\u2044'],
  ['big solidus', '\u29f8'],
  ['big reverse solidus', '\u29f9'],
  ['box drawing diagonal', '\u2571'],
  ['small reverse solidus', '\ufe68'],
  ['set minus', '\u2216'],
];

const WHOLE_NAME: ReadonlyArray<readonly [string, string]> = [
  ['empty', ''],
  ['dot', '.'],
  ['dot dot', '..'],
  ['three dots', '...'],
  ['four dots', '....'],
  ['dot dot trailing space', '.. '],
  ['dot dot leading space', ' ..'],
  ['dot space dot', '. .'],
  ['dot dot no-break space', '..\u00a0'],
  ['dot dot ideographic space', '..\u3000'],
  ['fullwidth dots', '\uff0e\uff0e'],
  ['two dot leader', '\u2025'],
  ['one dot leaders', '\u2024\u2024'],
  ['ellipsis', '\u2026'],
  ['small full stops', '\ufe52\ufe52'],
  ['dot and one dot leader', '.\u2024'],
  ['percent dot dot', '%2e%2e'],
  ['percent dot', '%2e'],
  ['mixed percent dot dot', '.%2e'],
  ['double-encoded dot dot', '%252e%252e'],
  ['256 bytes', 'a'.repeat(256)],
  ['255 bytes of two-byte characters plus one', '\u00e9'.repeat(128)],
  ['86 euro signs (258 bytes)', '\u20ac'.repeat(86)],
];

/** Byte sequences that are not UTF-8: overlong separators and dots, surrogates, stray bytes. */
const RAW_BYTES: ReadonlyArray<readonly [string, number[]]> = [
  ['overlong slash (2 bytes)', [0xc0, 0xaf]],
  ['overlong slash (3 bytes)', [0xe0, 0x80, 0xaf]],
  ['overlong slash (4 bytes)', [0xf0, 0x80, 0x80, 0xaf]],
  ['overlong slash (5 bytes)', [0xf8, 0x80, 0x80, 0x80, 0xaf]],
  ['overlong dot dot', [0xc0, 0xae, 0xc0, 0xae]],
  ['overlong backslash', [0xc1, 0x9c]],
  ['overlong NUL', [0xc0, 0x80]],
  ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
  ['byte FF', [0xff]],
  ['byte FE', [0xfe]],
  ['lone continuation byte', [0x80]],
  ['truncated sequence', [0xe2, 0x88]],
];

const PLAIN_PREFIX = 'cache';
const PLAIN_SUFFIX = 'tmp';

function positions(fragment: string): string[] {
  return [fragment, `${PLAIN_PREFIX}${fragment}`, `${PLAIN_PREFIX}${fragment}${PLAIN_SUFFIX}`, `${fragment}${PLAIN_SUFFIX}`];
}

function bytePositions(bytes: number[]): Uint8Array[] {
  const prefix = [...Buffer.from(PLAIN_PREFIX)];
  const suffix = [...Buffer.from(PLAIN_SUFFIX)];
  return [bytes, [...prefix, ...bytes], [...prefix, ...bytes, ...suffix], [...bytes, ...suffix]].map((b) => Uint8Array.from(b));
}

type HostileRow = { readonly label: string; readonly raw: Uint8Array };

const HOSTILE_NAMES: HostileRow[] = [
  ...ANYWHERE.flatMap(([label, fragment]) => positions(fragment).map((name) => ({ label: `${label}: ${JSON.stringify(name)}`, raw: Buffer.from(name) }))),
  ...WHOLE_NAME.map(([label, name]) => ({ label: `${label}: ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…` : name)}`, raw: Buffer.from(name) })),
  ...RAW_BYTES.flatMap(([label, bytes]) => bytePositions(bytes).map((raw) => ({ label: `${label}: ${Buffer.from(raw).toString('hex')}`, raw }))),
];

/** Names that look alarming to a shell or a person but are plain names inside their directory: admitted as is. */
const PLAIN_NAMES = [
  'a',
  'core.12345',
  '.hidden',
  '..hidden',
  'a..b',
  'trailing.',
  'trailing..',
  'with space',
  '-rf',
  '--',
  '$(id)',
  '`id`',
  ';rm -rf ~',
  '*',
  '~',
  'a:b',
  '50%off',
  'x%20y',
  'report\u2026txt',
  '\uff46\uff4f\uff4f',
  'na\u00efve',
  '\u65e5\u672c\u8a9e',
  '\u{1f4be}.bin',
  'a'.repeat(255),
  '\u00e9'.repeat(127),
];

describe('admitEntryName: hostile names', () => {
  it(`has at least 200 hostile rows (${HOSTILE_NAMES.length})`, () => {
    assert.ok(HOSTILE_NAMES.length >= 200, String(HOSTILE_NAMES.length));
  });

  for (const row of HOSTILE_NAMES) {
    it(`refuses ${row.label}`, () => {
      // Given a name as readdir would return it; when the guard reads it; then it is refused with a reason.
      const verdict = admitEntryName(row.raw);
      assert.equal(verdict.ok, false, `admitted ${row.label}`);
      if (!verdict.ok) {
        assert.match(verdict.reason, /^name /u);
        assert.equal(typeof verdict.display, 'string');
      }
    });
  }
});

describe('admitEntryName: plain names', () => {
  for (const name of PLAIN_NAMES) {
    it(`admits ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)} unchanged`, () => {
      const verdict = admitEntryName(Buffer.from(name));
      assert.deepEqual(verdict, { ok: true, name });
    });
  }
});

describe('admitEntryName: reasons', () => {
  const reasonOf = (name: string | Uint8Array) => {
    const verdict = admitEntryName(typeof name === 'string' ? Buffer.from(name) : name);
    return verdict.ok ? 'admitted' : verdict.reason;
  };

  it('names the problem of each kind of name', () => {
    assert.equal(reasonOf('a/b'), 'name contains a path separator');
    assert.equal(reasonOf('a\0b'), 'name contains a NUL byte');
    assert.equal(reasonOf('a\\b'), 'name contains a backslash (a separator elsewhere)');
    assert.equal(reasonOf('..'), 'name is made only of dots');
    assert.equal(reasonOf('a\nb'), 'name contains a control character');
    assert.equal(reasonOf('a%2fb'), 'name contains a percent-encoded separator, dot or NUL');
    assert.equal(reasonOf('a%c0%afb'), 'name contains a malformed percent-encoding');
    assert.equal(reasonOf('a\u2215b'), 'name contains a character that looks like a path separator');
    assert.equal(reasonOf('\u2025'), 'name looks like a relative path reference (dots after Unicode folding)');
    assert.equal(reasonOf(Uint8Array.from([0xc0, 0xaf])), 'name is not valid UTF-8 (overlong or broken encoding)');
    assert.equal(reasonOf(''), 'name is empty');
    assert.equal(reasonOf('b'.repeat(256)), 'name is longer than 255 bytes');
  });

  it('escapes a refused name for display, so a newline or a terminal escape cannot forge a report line', () => {
    const verdict = admitEntryName(Buffer.from('evil\n\u001b[2Jdeleted passwd'));
    assert.deepEqual(verdict, { ok: false, display: 'evil\\n\\u001b[2Jdeleted passwd', reason: 'name contains a control character' });
  });

  it('shows a broken name readably without pretending it decoded', () => {
    const verdict = admitEntryName(Uint8Array.from([0x61, 0xc0, 0xaf, 0x62]));
    assert.deepEqual(verdict, { ok: false, display: 'a\ufffd\ufffdb', reason: 'name is not valid UTF-8 (overlong or broken encoding)' });
  });
});

/** Real paths checked against the whitelisted root `/srv/tmp`. */
const ROOT = '/srv/tmp';
const INSIDE = ['/srv/tmp', '/srv/tmp/a', '/srv/tmp/a/b', '/srv/tmp/.hidden', '/srv/tmp/a..b', '/srv/tmp/...a'];
const OUTSIDE = [
  '/srv/tmp-evil',
  '/srv/tmp-evil/a',
  '/srv/tmpx',
  '/srv/tmp.',
  '/srv/tmp..',
  '/srv/tmp ',
  '/srv/tmp\\a',
  '/srv/tmp%2fa',
  '/srv/tmp\uff0fa',
  '/srv/tmp\u2215a',
  '/srv/tm',
  '/srv',
  '/srv/',
  '/',
  '',
  'srv/tmp/a',
  './srv/tmp/a',
  '/srv/tmp/../etc',
  '/srv/tmp/..',
  '/srv/tmp/a/../../etc',
  '/srv/tmp/./a',
  '/srv/tmp/.',
  '/srv/tmp//a',
  '/srv/tmp/',
  '/srv//tmp/a',
  '//srv/tmp/a',
  '/srv/tmp/a\0',
  '/srv/tmp\0/a',
  '/SRV/TMP/a',
  '/srv/TMP',
  '/etc/passwd',
  '/proc/self/root/srv/tmp/a',
];

describe('isInsideRoot', () => {
  for (const path of INSIDE) {
    it(`accepts ${JSON.stringify(path)} inside ${ROOT}`, () => assert.equal(isInsideRoot(path, ROOT), true));
  }
  for (const path of OUTSIDE) {
    it(`refuses ${JSON.stringify(path)} for ${ROOT}`, () => assert.equal(isInsideRoot(path, ROOT), false));
  }

  it('takes every resolved absolute path for the root /, and nothing unresolved', () => {
    for (const path of ['/', '/a', '/srv/tmp/a']) assert.equal(isInsideRoot(path, '/'), true, path);
    for (const path of ['', 'a', '/a/../b', '//a', '/a\0']) assert.equal(isInsideRoot(path, '/'), false, path);
  });

  it('refuses any path when the root itself is not resolved', () => {
    for (const root of ['', 'srv/tmp', '/srv/../srv/tmp', '/srv/tmp/', '/srv//tmp']) assert.equal(isInsideRoot('/srv/tmp/a', root), false, root);
  });
});
