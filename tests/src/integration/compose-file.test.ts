import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@jarvis/contracts';
import { REPO_ROOT } from '../support/jarvis-harness.js';

type ComposeService = {
  image?: string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: { source: string; target?: string }[];
  ports?: string[];
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  profiles?: string[];
};
type ComposeProject = { services: Record<string, ComposeService>; secrets?: Record<string, { file: string }> };

const SPLIT = ['-f', 'docker-compose.yml', '-f', 'docker-compose.split.yml'];
const ALL_IN_ONE = ['-f', 'docker-compose.yml'];
const VARIANTS: { name: string; args: string[] }[] = [
  { name: 'all-in-one', args: ALL_IN_ONE },
  { name: 'split', args: SPLIT },
  { name: 'all-in-one with the kurrentdb profile', args: [...ALL_IN_ONE, '--profile', 'kurrentdb'] },
  { name: 'split with the kurrentdb profile', args: [...SPLIT, '--profile', 'kurrentdb'] },
];
/** The image's user, to which tools/compose-secrets.mjs gives the Jarvis secrets. */
const JARVIS_USER = '10001:10001';

function compose(args: string[], extra: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('docker-compose', [...args, 'config', ...extra], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.error, undefined, `docker-compose could not run: ${result.error?.message}`);
  return result;
}

function project(args: string[]): ComposeProject {
  const result = compose(args);
  assert.equal(result.status, 0, result.stderr);
  return parse(result.stdout) as ComposeProject;
}

/** The services `up` starts: those in no profile (no profile is enabled here). */
function started(p: ComposeProject): [string, ComposeService][] {
  return Object.entries(p.services).filter(([, s]) => !s.profiles?.length);
}

function jarvisContainers(p: ComposeProject): [string, ComposeService][] {
  return started(p).filter(([, s]) => s.image === 'jarvis:local');
}

describe('docker-compose files', () => {
  for (const variant of VARIANTS) {
    it(`${variant.name} passes docker-compose config`, () => {
      const result = compose(variant.args, ['-q']);
      assert.equal(result.status, 0, result.stderr);
    });
  }

  it('all-in-one runs NATS, Jarvis, the socket proxy, the Collector, Tempo, Prometheus and Grafana; KurrentDB only in its profile', () => {
    const p = project(ALL_IN_ONE);
    assert.deepEqual(started(p).map(([name]) => name).sort(), ['grafana', 'jarvis', 'nats', 'otel-collector', 'prometheus', 'socket-proxy', 'tempo']);
    assert.deepEqual(p.services['kurrentdb']?.profiles, ['kurrentdb']);
    assert.equal(p.services['jarvis']?.environment?.['NATS_USER'], 'jarvis');
    assert.equal(p.services['jarvis']?.environment?.['NATS_URL'], 'nats://nats:4222');
  });

  it('split runs each service through its own built app and NATS identity, instead of the all-in-one container', () => {
    const p = project(SPLIT);
    const jarvis = jarvisContainers(p);
    assert.deepEqual(jarvis.map(([name]) => name).sort(), [...SERVICE_NAMES].sort());
    for (const [name, service] of jarvis) {
      assert.deepEqual(service.entrypoint, ['node', `apps/${name}/dist/main.js`], name);
      assert.ok(existsSync(join(REPO_ROOT, service.entrypoint![1]!)), `${service.entrypoint![1]} is built`);
      assert.equal(service.environment?.['NATS_USER'], name);
      const passwordSecret = service.secrets?.find((s) => `/run/secrets/${s.source}` === service.environment?.['NATS_PASSWORD_FILE']);
      assert.equal(p.secrets?.[passwordSecret?.source ?? '']?.file, join(REPO_ROOT, 'infra', 'nats', 'secrets', `${name}.password`), `${name} reads its own password`);
      assert.equal(service.environment?.['JARVIS_METRICS_PORT'], '9464', `${name} serves metrics where prometheus.split.yml scrapes`);
    }
    assert.ok(p.services['prometheus']?.volumes?.some((v) => v.endsWith('infra/prometheus/prometheus.split.yml:/etc/prometheus/prometheus.yml:ro')));
  });

  for (const variant of VARIANTS.slice(0, 2)) {
    it(`${variant.name}: every Jarvis container is unprivileged, read-only and reaches Docker only through the socket proxy`, () => {
      const p = project(variant.args);
      for (const [name, service] of jarvisContainers(p)) {
        assert.equal(service.user, JARVIS_USER, name);
        assert.equal(service.read_only, true, name);
        assert.deepEqual(service.cap_drop, ['ALL'], name);
        assert.ok(service.security_opt?.includes('no-new-privileges:true'), name);
        assert.ok(service.tmpfs?.some((t) => t.startsWith('/tmp')), name);
        assert.ok(!(service.volumes ?? []).some((v) => v.includes('docker.sock')), `${name} mounts no Docker socket`);
        const dockerHost = service.environment?.['DOCKER_HOST'];
        if (dockerHost !== undefined) assert.equal(dockerHost, 'tcp://socket-proxy:2375', name);
        for (const [key, value] of Object.entries(service.environment ?? {})) {
          assert.ok(!/PASSWORD$|TOKEN$|SECRET/.test(key), `${name}: ${key}=${value} puts a secret in the compose file`);
        }
      }
      const proxy = p.services['socket-proxy']!;
      assert.ok(proxy.volumes?.some((v) => v.endsWith('infra/socket-proxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg.template:ro')));
      assert.equal(proxy.ports, undefined, 'the proxy is not published');
    });

    it(`${variant.name}: only loopback ports are published`, () => {
      const published = Object.entries(project(variant.args).services).flatMap(([name, s]) => (s.ports ?? []).map((port) => [name, port] as const));
      assert.ok(published.length > 0);
      for (const [name, port] of published) assert.match(port, /^127\.0\.0\.1:\d+:\d+(\/tcp)?$/, name);
    });
  }

  it('NATS runs 2.10+ with the identities and fsync on every write, its password hashes as a secret', () => {
    const nats = project(ALL_IN_ONE).services['nats']!;
    const [, major, minor] = /^nats:(\d+)\.(\d+)/.exec(nats.image ?? '') ?? [];
    assert.ok(Number(major) > 2 || (Number(major) === 2 && Number(minor) >= 10), String(nats.image));
    assert.ok(nats.volumes?.some((v) => v.endsWith('infra/nats/nats-server-identities.conf:/etc/nats/nats-server.conf:ro')));
    assert.ok(nats.volumes?.some((v) => v.endsWith('infra/nats/identities.conf:/etc/nats/identities.conf:ro')));
    assert.deepEqual(nats.secrets, [{ source: 'nats_password_hashes', target: '/etc/nats/secrets/passwords.conf' }]);
    assert.match(readFileSync(join(REPO_ROOT, 'infra', 'nats', 'nats-server-identities.conf'), 'utf8'), /^\s*sync_interval:\s*always\s*$/m);
    assert.deepEqual(nats.ports, ['127.0.0.1:4222:4222/tcp'], 'for the NATS CLI as the read-only operator, on loopback');
  });
});

describe('tools/compose-secrets.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-compose-secrets-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'compose-secrets.mjs'), '--nats-dir', join(dir, 'nats'), '--api-dir', join(dir, 'api'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });

  it('makes every secret the compose files name, private and owned by the image user, and keeps them on a second run', () => {
    const first = run('--owner', '4242:4343');
    assert.equal(first.status, 0, first.stderr);
    const token = readFileSync(join(dir, 'api', 'api-token'), 'utf8').trim();
    assert.equal(readFileSync(join(dir, 'api', 'api-token.sha256'), 'utf8'), `${createHash('sha256').update(token).digest('hex')}\n`);
    for (const file of [join('api', 'api-token'), join('api', 'api-token.sha256'), join('nats', 'jarvis.password'), join('nats', 'monitor.password')]) {
      const stat = statSync(join(dir, file));
      assert.equal(stat.mode & 0o077, 0, `${file} is private`);
      assert.deepEqual([stat.uid, stat.gid], [4242, 4343], `${file} belongs to the image user`);
    }
    assert.equal(statSync(join(dir, 'nats', 'operator.password')).uid, process.getuid!(), 'the operator password stays with the person');
    const second = run('--owner', '4242:4343');
    assert.equal(second.status, 0, second.stderr);
    assert.equal(readFileSync(join(dir, 'api', 'api-token'), 'utf8').trim(), token, 'the token is kept');
    const bad = run('--owner', 'jarvis');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--owner UID\[:GID\]/);
  });

  it('writes exactly the files the compose secrets name', () => {
    for (const args of [ALL_IN_ONE, SPLIT]) {
      for (const [name, secret] of Object.entries(project(args).secrets ?? {})) {
        const relative = secret.file.slice(REPO_ROOT.length).replace(/^infra\/nats\/secrets\//, 'nats/').replace(/^infra\/secrets\//, 'api/');
        assert.ok(existsSync(join(dir, relative)), `${name}: ${secret.file}`);
      }
    }
  });
});
