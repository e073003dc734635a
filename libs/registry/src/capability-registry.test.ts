import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaddyConfig, DdclientConfig, DiskConfig, JarvisConfig } from '@jarvis/config';
import { targetOf, type TargetKind } from '@jarvis/contracts';
import { CapabilityRegistry, NO_REMEDIATION, type RemediationOverride } from './capability-registry.js';
import type { ActionDescriptor, RemediationAction } from './remediation-action.js';
import type { ScheduledProbe } from './scheduled-probe.js';
import type { TargetKindPlugin } from './target-kind.js';
import { capabilityRegistry, type CapabilityDependencies } from './target-kinds.js';

class NoParams {}

function descriptor(name: string, kind: TargetKind): ActionDescriptor {
  return { name, kind, risk: 'low', params: NoParams, defaultParams: () => new NoParams(), deadlineMs: 1000 };
}

/** A runnable action that only says which dependencies built it: enough to see what createActions returns. */
function runnable(name: string, kind: TargetKind, builtFrom: string): RemediationAction & { builtFrom: string } {
  return {
    ...descriptor(name, kind),
    builtFrom,
    alreadyDone: async () => false,
    reobserve: async () => ({ kind: 'fault_holds' }),
    execute: async () => ({ result: 'done', details: {} }),
    verify: async () => ({ kind: 'passed', evidence: 'fine' }),
  };
}

function probe(kind: TargetKind, id: string, check: string): ScheduledProbe {
  return { target: targetOf(kind, id), check, intervalMs: 1000, timeoutMs: 500, run: async () => ({ status: 'ok', reason: 'fine' }) };
}

type Deps = { tag: string };

/** Disk-like: two checks, two actions, one default remediation. */
function diskPlugin(overrides: Partial<TargetKindPlugin<Deps>> = {}): TargetKindPlugin<Deps> {
  return {
    kind: 'disk',
    checks: ['disk_usage', 'inode_usage'],
    actions: [descriptor('clean_tmp_files', 'disk'), descriptor('cleanup_old_logs', 'disk')],
    remediation: { disk_usage: 'clean_tmp_files' },
    createActions: ({ tag }) => [runnable('clean_tmp_files', 'disk', tag), runnable('cleanup_old_logs', 'disk', tag)],
    createProbes: () => [probe('disk', '/srv', 'disk_usage'), probe('disk', '/var', 'disk_usage')],
    ...overrides,
  };
}

/** Container-like: event-driven, so no probes. */
function containerPlugin(overrides: Partial<TargetKindPlugin<Deps>> = {}): TargetKindPlugin<Deps> {
  return {
    kind: 'container',
    checks: ['container_state'],
    actions: [descriptor('restart_container', 'container')],
    remediation: { container_state: 'restart_container' },
    createActions: ({ tag }) => [runnable('restart_container', 'container', tag)],
    ...overrides,
  };
}

const registry = () => new CapabilityRegistry<Deps>([containerPlugin(), diskPlugin()]);

/** Building probes does no I/O: the ports are only used when a probe runs. */
const UNUSED_PORTS = { containers: undefined!, disks: undefined!, http: undefined!, tls: undefined!, caddy: undefined!, ddclient: undefined!, dns: undefined!, configEditor: undefined!, restarts: undefined! } as CapabilityDependencies;

describe('CapabilityRegistry: registration rules', () => {
  it('given two kinds with distinct actions, when registered, then both kinds, their checks and descriptors are known', () => {
    const r = registry();
    assert.deepEqual(r.kinds(), ['container', 'disk']);
    assert.deepEqual(r.checksOf('disk'), ['disk_usage', 'inode_usage']);
    assert.equal(r.descriptor('cleanup_old_logs')?.kind, 'disk');
  });

  it('given a kind nobody registered, when asked for its checks or an unknown action, then it has none', () => {
    assert.deepEqual(registry().checksOf('http_endpoint'), []);
    assert.equal(registry().descriptor('reboot_host'), undefined);
  });

  it('given the same kind twice, when registered, then it throws naming the kind', () => {
    assert.throws(() => new CapabilityRegistry([diskPlugin(), diskPlugin()]), { message: 'target kind disk is registered twice' });
  });

  it('given two kinds declaring one action name, when registered, then it throws naming the action', () => {
    const clash = containerPlugin({ actions: [descriptor('restart_container', 'container'), descriptor('clean_tmp_files', 'container')] });
    assert.throws(() => new CapabilityRegistry([diskPlugin(), clash]), { message: 'action clean_tmp_files is registered twice' });
  });

  it('given one kind declaring an action twice, when registered, then it throws naming the action', () => {
    const twice = diskPlugin({ actions: [descriptor('clean_tmp_files', 'disk'), descriptor('clean_tmp_files', 'disk')] });
    assert.throws(() => new CapabilityRegistry([twice]), { message: 'action clean_tmp_files is registered twice' });
  });

  it('given an action acting on another kind, when registered, then it throws naming the action and both kinds', () => {
    const foreign = diskPlugin({ actions: [descriptor('clean_tmp_files', 'disk'), descriptor('restart_container', 'container')] });
    assert.throws(() => new CapabilityRegistry([foreign]), { message: 'action restart_container acts on container but is registered by disk' });
  });

  it('given a remediation naming a check the kind does not have, when registered, then it throws naming the check', () => {
    const unknownCheck = diskPlugin({ remediation: { disk_full: 'clean_tmp_files' } });
    assert.throws(() => new CapabilityRegistry([unknownCheck]), { message: 'disk: remediation names an unknown check disk_full' });
  });

  it('given a remediation naming an action the kind does not have, when registered, then it throws naming the check and action', () => {
    const unknownAction = diskPlugin({ remediation: { disk_usage: 'format_disk' } });
    assert.throws(() => new CapabilityRegistry([unknownAction]), { message: 'disk: remediation of disk_usage names an unknown action format_disk' });
  });

  it('given a remediation naming another kind\'s action, when registered, then it throws: a kind answers its checks with its own actions', () => {
    const borrowed = diskPlugin({ remediation: { disk_usage: 'restart_container' } });
    assert.throws(() => new CapabilityRegistry([containerPlugin(), borrowed]), {
      message: 'disk: remediation of disk_usage names an unknown action restart_container',
    });
  });
});

describe('CapabilityRegistry: remediationFor', () => {
  const srv = targetOf('disk', '/srv');
  const web = targetOf('container', 'web');

  it('given no override, when a check with a default fails, then the kind\'s default action answers it', () => {
    assert.equal(registry().remediationFor(srv, 'disk_usage')?.name, 'clean_tmp_files');
    assert.equal(registry().remediationFor(web, 'container_state')?.name, 'restart_container');
  });

  it('given an override to another action of the kind, when the check fails on that target, then the override answers it', () => {
    const overrides: RemediationOverride[] = [{ target: 'disk:/srv', check: 'disk_usage', action: 'cleanup_old_logs' }];
    assert.equal(registry().remediationFor(srv, 'disk_usage', overrides)?.name, 'cleanup_old_logs');
  });

  it('given an override for one target, when another target of the kind fails, then that one keeps the default', () => {
    const overrides: RemediationOverride[] = [{ target: 'disk:/srv', check: 'disk_usage', action: 'cleanup_old_logs' }];
    assert.equal(registry().remediationFor(targetOf('disk', '/var'), 'disk_usage', overrides)?.name, 'clean_tmp_files');
  });

  it('given an override for another check of the target, when this check fails, then it keeps its default', () => {
    const overrides: RemediationOverride[] = [{ target: 'disk:/srv', check: 'inode_usage', action: 'cleanup_old_logs' }];
    assert.equal(registry().remediationFor(srv, 'disk_usage', overrides)?.name, 'clean_tmp_files');
    assert.equal(registry().remediationFor(srv, 'inode_usage', overrides)?.name, 'cleanup_old_logs');
  });

  it('given an override to none, when the check fails, then no action answers it (a person decides)', () => {
    const overrides: RemediationOverride[] = [{ target: 'container:web', check: 'container_state', action: NO_REMEDIATION }];
    assert.equal(registry().remediationFor(web, 'container_state', overrides), null);
  });

  it('given a check without a default, when it fails, then no action answers it', () => {
    assert.equal(registry().remediationFor(srv, 'inode_usage'), null);
  });

  it('given a check the kind does not know, when asked, then null', () => {
    assert.equal(registry().remediationFor(srv, 'tls_expiry'), null);
  });

  it('given a kind nobody registered, when asked, then null', () => {
    assert.equal(registry().remediationFor(targetOf('http_endpoint', 'api'), 'http_status'), null);
  });
});

describe('CapabilityRegistry: remediationsFor, the default then the fallbacks', () => {
  const withFallbacks = () => new CapabilityRegistry<Deps>([diskPlugin({ fallbacks: { disk_usage: ['cleanup_old_logs', 'clean_tmp_files'] } })]);

  it('given fallbacks for a check, then the default comes first and each fallback once, the default not repeated', () => {
    assert.deepEqual(withFallbacks().remediationsFor(targetOf('disk', '/srv'), 'disk_usage').map((d) => d.name), ['clean_tmp_files', 'cleanup_old_logs']);
  });

  it('given an override to none, then nothing at all: the fallbacks come after a remediation, never instead of a person', () => {
    assert.deepEqual(withFallbacks().remediationsFor(targetOf('disk', '/srv'), 'disk_usage', [{ target: 'disk:/srv', check: 'disk_usage', action: NO_REMEDIATION }]), []);
  });

  it('given fallbacks naming an unknown check or action, when registered, then it throws naming them', () => {
    assert.throws(() => new CapabilityRegistry<Deps>([diskPlugin({ fallbacks: { cpu: ['clean_tmp_files'] } })]), /disk: fallbacks name an unknown check cpu/);
    assert.throws(() => new CapabilityRegistry<Deps>([diskPlugin({ fallbacks: { disk_usage: ['restart_container'] } })]), /disk: a fallback of disk_usage names an unknown action restart_container/);
  });
});

describe('CapabilityRegistry: overrideProblems', () => {
  const problems = (overrides: RemediationOverride[]) => registry().overrideProblems(overrides);

  it('given valid overrides, including none, then there is no problem', () => {
    assert.deepEqual(
      problems([
        { target: 'disk:/srv', check: 'disk_usage', action: 'cleanup_old_logs' },
        { target: 'container:web', check: 'container_state', action: NO_REMEDIATION },
      ]),
      [],
    );
  });

  it('given a target of an unregistered kind, then the problem names the entry\'s target and the known kinds', () => {
    assert.deepEqual(problems([{ target: 'http_endpoint:api', check: 'http_status', action: NO_REMEDIATION }]), [
      'remediation.overrides[0].target: no target kind "http_endpoint" (known: container, disk)',
    ]);
  });

  it('given a check the kind does not have, then the problem names the entry\'s check and the known checks', () => {
    assert.deepEqual(problems([{ target: 'disk:/srv', check: 'disk_full', action: 'clean_tmp_files' }]), [
      'remediation.overrides[0].check: disk has no check "disk_full" (known: disk_usage, inode_usage)',
    ]);
  });

  it('given an action of another kind, then the problem names the entry\'s action and the kind\'s own actions and none', () => {
    assert.deepEqual(problems([{ target: 'disk:/srv', check: 'disk_usage', action: 'restart_container' }]), [
      'remediation.overrides[0].action: disk has no action "restart_container" (known: clean_tmp_files, cleanup_old_logs, none)',
    ]);
  });

  it('given an action nobody registered, then the problem names the entry\'s action', () => {
    assert.deepEqual(problems([{ target: 'container:web', check: 'container_state', action: 'reboot_host' }]), [
      'remediation.overrides[0].action: container has no action "reboot_host" (known: restart_container, none)',
    ]);
  });

  it('given several bad entries, then each is reported once with its own index', () => {
    const found = problems([
      { target: 'disk:/srv', check: 'disk_usage', action: 'clean_tmp_files' },
      { target: 'disk:/srv', check: 'nope', action: 'clean_tmp_files' },
      { target: 'container:web', check: 'container_state', action: 'clean_tmp_files' },
    ]);
    assert.equal(found.length, 2);
    assert.match(found[0]!, /^remediation\.overrides\[1\]\.check: /);
    assert.match(found[1]!, /^remediation\.overrides\[2\]\.action: /);
  });
});

describe('CapabilityRegistry: createActions and createProbes across kinds', () => {
  it('given two kinds, when actions are built, then every kind\'s actions are there by name, built from the given dependencies', () => {
    const actions = registry().createActions({ tag: 'monitor-ports' });
    assert.deepEqual([...actions.keys()].sort(), ['clean_tmp_files', 'cleanup_old_logs', 'restart_container']);
    for (const action of actions.values()) assert.equal((action as RemediationAction & { builtFrom: string }).builtFrom, 'monitor-ports');
  });

  it('given a kind with probes and a kind without, when probes are built, then only the probing kind contributes', () => {
    const probes = registry().createProbes({ tag: 'x' });
    assert.deepEqual(
      probes.map((p) => `${p.target.kind}:${p.target.id}#${p.check}`),
      ['disk:/srv#disk_usage', 'disk:/var#disk_usage'],
    );
  });

  it('given no kind at all, then there is nothing to build', () => {
    const empty = new CapabilityRegistry<Deps>([]);
    assert.deepEqual(empty.kinds(), []);
    assert.equal(empty.createActions({ tag: 'x' }).size, 0);
    assert.deepEqual(empty.createProbes({ tag: 'x' }), []);
  });
});

describe('capabilityRegistry: the kinds Jarvis ships', () => {
  const config = Object.assign(new JarvisConfig(), { disks: [Object.assign(new DiskConfig(), { mount: '/srv', tmpFolders: ['/srv/tmp'] })] });

  it('given the shipped kinds, when registered together, then the rules hold and each check has its default answer', () => {
    const shipped = capabilityRegistry(config);
    assert.deepEqual(shipped.kinds(), ['container', 'disk', 'http_endpoint', 'tls_certificate', 'caddy', 'ddclient', 'dns_record']);
    assert.equal(shipped.remediationFor(targetOf('container', 'web'), 'container_state')?.name, 'restart_container');
    assert.equal(shipped.remediationFor(targetOf('disk', '/srv'), 'disk_usage')?.name, 'clean_tmp_files');
    assert.equal(shipped.remediationFor(targetOf('http_endpoint', 'no-such-endpoint'), 'http_health'), null, 'an endpoint naming no container has no restart');
    assert.equal(shipped.remediationFor(targetOf('ddclient', 'ddclient'), 'ddclient_update'), null, 'no ddclient in jarvis.yaml: nothing to force');
    assert.equal(shipped.remediationFor(targetOf('caddy', 'edge'), 'caddy_certificates'), null, 'no Caddy in jarvis.yaml: nothing to retry');
    assert.equal(shipped.remediationFor(targetOf('dns_record', 'www.lab.jarvis.test'), 'dns_resolution'), null, 'no DNS remediation yet');
  });

  it('given a ddclient and a Caddy in jarvis.yaml, when their checks fail, then the forced update and the certificate retry answer them', () => {
    const edge = Object.assign(new JarvisConfig(), {
      ddclient: Object.assign(new DdclientConfig(), { name: 'home', config: '/etc/ddclient.conf', runTimeoutSeconds: 20 }),
      caddy: [Object.assign(new CaddyConfig(), { name: 'edge', caddyfile: '/etc/caddy/Caddyfile', timeoutMs: 3000 })],
    });
    const shipped = capabilityRegistry(edge);
    const fix = shipped.remediationFor(targetOf('ddclient', 'home'), 'ddclient_update');
    assert.deepEqual({ name: fix?.name, risk: fix?.risk, attempts: fix?.maxAttemptsPerIncident, deadlineMs: fix?.deadlineMs }, { name: 'infrastructure_fix_ddclient', risk: 'low', attempts: 1, deadlineMs: 25_000 });
    const retry = shipped.remediationFor(targetOf('caddy', 'edge'), 'caddy_certificates');
    assert.deepEqual({ name: retry?.name, risk: retry?.risk, attempts: retry?.maxAttemptsPerIncident, deadlineMs: retry?.deadlineMs }, { name: 'infrastructure_remediate_ssl', risk: 'low', attempts: 1, deadlineMs: 6000 });
    assert.equal(shipped.remediationFor(targetOf('ddclient', 'other'), 'ddclient_update'), null, 'a ddclient not in jarvis.yaml is not forced');
    assert.equal(shipped.remediationFor(targetOf('caddy', 'other'), 'caddy_certificates'), null, 'a Caddy not in jarvis.yaml is not reloaded');
    assert.equal(shipped.remediationFor(targetOf('caddy', 'edge'), 'caddy_upstreams'), null, 'only missing certificates are answered by the retry');
    assert.deepEqual([...shipped.createActions(UNUSED_PORTS).keys()].filter((name) => name.startsWith('infrastructure_')), [
      'infrastructure_remediate_ssl',
      'infrastructure_fix_ddclient',
      'infrastructure_restore_ddclient_credentials',
      'infrastructure_remediate_dns',
    ]);
    assert.deepEqual(shipped.remediationsFor(targetOf('ddclient', 'home'), 'ddclient_update').map((d) => d.name), ['infrastructure_fix_ddclient', 'infrastructure_restore_ddclient_credentials'], 'a restart only where runsAs says how ddclient runs');
  });

  it('given one configured disk, when probes are built, then there is one disk_usage probe for its mount', () => {
    // Building a probe reads no port; only running it would.
    const probes = capabilityRegistry(config).createProbes(UNUSED_PORTS);
    assert.deepEqual(probes.map((p) => `${p.target.kind}:${p.target.id}#${p.check}`), ['disk:/srv#disk_usage']);
  });

  it('given a ddclient in jarvis.yaml, when probes are built, then there is one ddclient_update probe for it', () => {
    const withDdclient = Object.assign(new JarvisConfig(), { ddclient: Object.assign(new DdclientConfig(), { name: 'home', config: '/etc/ddclient.conf' }) });
    const probes = capabilityRegistry(withDdclient).createProbes(UNUSED_PORTS);
    assert.deepEqual(probes.map((p) => `${p.target.kind}:${p.target.id}#${p.check}`), ['ddclient:home#ddclient_update']);
  });
});
