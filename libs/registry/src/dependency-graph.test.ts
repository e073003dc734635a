import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import { TargetDependencyGraph } from './dependency-graph.js';
import { capabilityRegistry } from './target-kinds.js';

const EDGE_CONFIG = `
ddclient:
  name: lab
  config: /etc/ddclient/ddclient.conf
dns:
  records:
    - domain: www.lab.jarvis.test
      expectedFrom: ddclient
      authoritative: ["127.0.0.1:5301"]
    - domain: api.lab.jarvis.test
      expectedAddresses: [127.0.0.1]
      authoritative: ["127.0.0.1:5301"]
tls:
  endpoints:
    - name: www
      host: www.lab.jarvis.test
      address: 127.0.0.1
    - name: api
      host: api.lab.jarvis.test
      address: 127.0.0.1
    - name: elsewhere
      host: elsewhere.example.org
      address: 127.0.0.1
`;

describe('target dependencies', () => {
  it('given the edge config, when the kinds derive their dependencies, then a ddclient-fed record relies on ddclient and each certificate on its watched name', () => {
    const built = capabilityRegistry(parseConfig(EDGE_CONFIG)).dependencyGraph();
    assert.ok(built.ok);
    const { graph } = built;
    assert.deepEqual(graph.dependenciesOf('dns_record:www.lab.jarvis.test'), ['ddclient:lab']);
    assert.deepEqual(graph.dependenciesOf('dns_record:api.lab.jarvis.test'), [], 'a record with configured addresses does not rely on ddclient');
    assert.deepEqual(graph.dependenciesOf('tls_certificate:www'), ['dns_record:www.lab.jarvis.test']);
    assert.deepEqual(graph.dependenciesOf('tls_certificate:api'), ['dns_record:api.lab.jarvis.test']);
    assert.deepEqual(graph.dependenciesOf('tls_certificate:elsewhere'), [], 'no record of its host is watched');
    assert.deepEqual(graph.allDependentsOf('ddclient:lab'), ['dns_record:www.lab.jarvis.test', 'tls_certificate:www']);
  });

  it('given records fed by ddclient but no ddclient configured, then nothing relies on it', () => {
    const config = parseConfig(EDGE_CONFIG.replace(/ddclient:\n  name: lab\n  config: \/etc\/ddclient\/ddclient.conf\n/, ''));
    const built = capabilityRegistry(config).dependencyGraph();
    assert.ok(built.ok);
    assert.deepEqual(built.graph.dependenciesOf('dns_record:www.lab.jarvis.test'), []);
  });

  it('given dependencies that go round, then the graph is refused naming the cycle\'s targets', () => {
    const a = targetOf('dns_record', 'a.example.org');
    const b = targetOf('tls_certificate', 'b');
    const c = targetOf('ddclient', 'c');
    const built = TargetDependencyGraph.of([
      { target: a, dependsOn: b, why: 'x' },
      { target: b, dependsOn: c, why: 'x' },
      { target: c, dependsOn: a, why: 'x' },
    ]);
    assert.deepEqual(built, { ok: false, problems: ['dependency cycle: dns_record:a.example.org → tls_certificate:b → ddclient:c → dns_record:a.example.org'] });
  });

  it('given a target relying on itself, then that is a cycle too', () => {
    const a = targetOf('ddclient', 'a');
    assert.deepEqual(TargetDependencyGraph.of([{ target: a, dependsOn: a, why: 'x' }]), { ok: false, problems: ['dependency cycle: ddclient:a → ddclient:a'] });
  });

  it('given a diamond (two ways to one dependency), then it is no cycle and each dependent is listed once', () => {
    const [top, left, right, bottom] = ['top', 'left', 'right', 'bottom'].map((id) => targetOf('ddclient', id)) as [ReturnType<typeof targetOf>, ReturnType<typeof targetOf>, ReturnType<typeof targetOf>, ReturnType<typeof targetOf>];
    const built = TargetDependencyGraph.of([
      { target: top, dependsOn: left, why: 'x' },
      { target: top, dependsOn: right, why: 'x' },
      { target: left, dependsOn: bottom, why: 'x' },
      { target: right, dependsOn: bottom, why: 'x' },
    ]);
    assert.ok(built.ok);
    assert.deepEqual(built.graph.allDependentsOf('ddclient:bottom'), ['ddclient:left', 'ddclient:right', 'ddclient:top']);
  });
});

describe("a Caddy's certificates on its sites' names", () => {
  const CADDY_CONFIG = `${EDGE_CONFIG}caddy:
  - name: lab
    caddyfile: /etc/caddy/Caddyfile
    httpsAddress: 127.0.0.1
    httpsPort: 443
  - name: other
    caddyfile: /etc/caddy/Caddyfile
    httpsAddress: 127.0.0.1
    httpsPort: 8443
`;

  it('given tls endpoints reached at a Caddy, when the kinds derive their dependencies, then only its certificates check relies on the watched names it serves', () => {
    const built = capabilityRegistry(parseConfig(CADDY_CONFIG)).dependencyGraph();
    assert.ok(built.ok);
    const { graph } = built;
    assert.deepEqual(graph.dependenciesOf('caddy:lab', 'caddy_certificates'), ['dns_record:www.lab.jarvis.test', 'dns_record:api.lab.jarvis.test']);
    assert.deepEqual(graph.dependenciesOf('caddy:lab', 'caddy_admin_api'), [], 'the admin API does not need DNS');
    assert.deepEqual(graph.dependenciesOf('caddy:other', 'caddy_certificates'), [], 'no watched endpoint is reached at its port');
    assert.deepEqual(graph.allDependentsOf('dns_record:www.lab.jarvis.test'), ['tls_certificate:www', 'caddy:lab']);
  });

  it('given a dependency scoped to one check, when asked without a check, then it is listed (a walk beyond the first hop)', () => {
    const built = TargetDependencyGraph.of([{ target: targetOf('caddy', 'lab'), dependsOn: targetOf('dns_record', 'a.test'), why: 'x', check: 'caddy_certificates' }]);
    assert.ok(built.ok);
    assert.deepEqual(built.graph.dependenciesOf('caddy:lab'), ['dns_record:a.test']);
  });
});
