import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeFinding } from '../../scheduled-probe.js';
import { httpServersOf, judgeAdminApi, judgeConfigLoaded } from './admin-api-judgement.js';
import type { AdminReading } from './caddy-port.js';

const WHERE = '127.0.0.1:2019';
const LOADED = { apps: { http: { servers: { srv0: { listen: ['127.0.0.1:443'] }, srv1: { listen: [':80'] } } } } };

describe('judgeAdminApi and judgeConfigLoaded: what GET /config/ says', () => {
  const table: Array<{ given: string; reading: AdminReading; admin: ProbeFinding; loaded: ProbeFinding }> = [
    {
      given: 'a config with two servers',
      reading: { kind: 'answered', status: 200, body: LOADED },
      admin: { status: 'ok', reason: 'admin API at 127.0.0.1:2019 answered HTTP 200' },
      loaded: { status: 'ok', reason: '2 HTTP server(s) loaded: srv0 (127.0.0.1:443), srv1 (:80)' },
    },
    {
      given: 'an empty config (Caddy answers null)',
      reading: { kind: 'answered', status: 200, body: null },
      admin: { status: 'ok', reason: 'admin API at 127.0.0.1:2019 answered HTTP 200' },
      loaded: { status: 'failed', reason: 'no config loaded: apps.http.servers is empty or missing' },
    },
    {
      given: 'a config without the http app',
      reading: { kind: 'answered', status: 200, body: { apps: { tls: {} } } },
      admin: { status: 'ok', reason: 'admin API at 127.0.0.1:2019 answered HTTP 200' },
      loaded: { status: 'failed', reason: 'no config loaded: apps.http.servers is empty or missing' },
    },
    {
      given: 'an empty servers object',
      reading: { kind: 'answered', status: 200, body: { apps: { http: { servers: {} } } } },
      admin: { status: 'ok', reason: 'admin API at 127.0.0.1:2019 answered HTTP 200' },
      loaded: { status: 'failed', reason: 'no config loaded: apps.http.servers is empty or missing' },
    },
    {
      given: 'a refusal by the admin API (host not allowed)',
      reading: { kind: 'answered', status: 403, body: { error: 'host not allowed: localhost:2019' } },
      admin: { status: 'failed', reason: 'admin API at 127.0.0.1:2019 answered HTTP 403: host not allowed: localhost:2019' },
      loaded: { status: 'failed', reason: 'cannot read the loaded config: admin API at 127.0.0.1:2019 answered HTTP 403: host not allowed: localhost:2019' },
    },
    {
      given: 'nobody listening',
      reading: { kind: 'unreachable', reason: 'ECONNREFUSED' },
      admin: { status: 'failed', reason: 'admin API unreachable at 127.0.0.1:2019: ECONNREFUSED' },
      loaded: { status: 'failed', reason: 'cannot read the loaded config: admin API unreachable at 127.0.0.1:2019: ECONNREFUSED' },
    },
  ];
  for (const row of table) {
    it(`given ${row.given}, then admin ${row.admin.status} and config ${row.loaded.status}`, () => {
      assert.deepEqual(judgeAdminApi(row.reading, WHERE), row.admin);
      assert.deepEqual(judgeConfigLoaded(row.reading, WHERE), row.loaded);
    });
  }

  it('given servers with odd listen values, then only the strings are kept', () => {
    assert.deepEqual(httpServersOf({ apps: { http: { servers: { a: { listen: [':443', 7] }, b: {} } } } }), [
      { name: 'a', listen: [':443'] },
      { name: 'b', listen: [] },
    ]);
    assert.deepEqual(httpServersOf('not a config'), []);
  });
});
