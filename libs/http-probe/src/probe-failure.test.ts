import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyRequestError, type ClassifiedError } from './probe-failure.js';

const failure = (code: string, message = `boom ${code}`) => Object.assign(new Error(message), { code });

const TABLE: Array<[string, unknown, ClassifiedError]> = [
  ['a refused connection', failure('ECONNREFUSED'), { failure: 'connection', reason: 'connection refused by 127.0.0.1:8080' }],
  ['a reset', failure('ECONNRESET'), { failure: 'connection', reason: 'connection to 127.0.0.1:8080 closed before a complete answer' }],
  ['no route', failure('EHOSTUNREACH'), { failure: 'connection', reason: '127.0.0.1:8080 unreachable (EHOSTUNREACH)' }],
  ['an unknown host', failure('ENOTFOUND'), { failure: 'dns', reason: 'host app.lab not found' }],
  ['a DNS hiccup', failure('EAI_AGAIN'), { failure: 'dns', reason: 'name lookup of app.lab failed for now (EAI_AGAIN)' }],
  ['a self-signed certificate', failure('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), { failure: 'tls', reason: 'TLS: self-signed certificate' }],
  ['an expired certificate', failure('CERT_HAS_EXPIRED', 'certificate has expired'), { failure: 'tls', reason: 'TLS: certificate has expired' }],
  ['a wrong name', failure('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), { failure: 'tls', reason: "TLS: Hostname/IP does not match certificate's altnames" }],
  ['a garbled answer', failure('HPE_INVALID_CONSTANT'), { failure: 'protocol', reason: 'not a valid HTTP answer from 127.0.0.1:8080 (HPE_INVALID_CONSTANT)' }],
  ['anything else, on one line', failure('EPIPE', 'write\nEPIPE'), { failure: 'connection', reason: 'EPIPE: write EPIPE' }],
  ['a thrown string', 'odd', { failure: 'connection', reason: 'error: odd' }],
];

describe('classifyRequestError', () => {
  for (const [what, error, expected] of TABLE) {
    it(what, () => assert.deepEqual(classifyRequestError(error, 'app.lab', '127.0.0.1:8080'), expected));
  }
});
