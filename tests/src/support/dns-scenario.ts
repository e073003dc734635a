import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import {
  breakSecretInConfig,
  diagnosed,
  grantApproval,
  loseRecordAndRunDdclient,
  prepareScenarioFiles,
  restartCaddyUntilOrderFails,
  scenarioConfig,
  scheduledRun,
  SCENARIO_DDCLIENT,
  SCENARIO_TLS,
  type ScenarioFiles,
} from '../lab/dns-scenario.js';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import type { Shape } from './jarvis-harness.js';
import { useLab, type Lab } from './lab.js';
import { OtlpReceiver } from './otlp-receiver.js';
import { waitFor } from './processes.js';

export { labSecrets, SCENARIO_CADDY as CADDY, SCENARIO_DDCLIENT as DDCLIENT, SCENARIO_TLS as TLS } from '../lab/dns-scenario.js';

export type Setup = ScenarioFiles & { canaries: string[] };

/**
 * Secrets that must never leave ddclient.conf: a comment, and a retired host's password left commented out. Planted
 * before the known-good copy is taken, so the copy, the backup and the restore all carry them.
 */
function plantCanaries(edge: EdgeLab): string[] {
  const canaries = [`canary-${randomBytes(12).toString('hex')}`, `canary-${randomBytes(12).toString('hex')}`];
  const conf = readFileSync(edge.paths.ddclientConf, 'utf8');
  writeFileSync(edge.paths.ddclientConf, `# note for the admins: ${canaries[0]}\n${conf}# retired host old.${edge.zone}: password=${canaries[1]}\n`, { mode: 0o600 });
  return canaries;
}


export function first<T extends JarvisEvent['type']>(incident: JarvisEvent[], type: T, wanted: (e: JarvisEventOf<T>) => boolean = () => true): JarvisEventOf<T> | undefined {
  return incident.find((e): e is JarvisEventOf<T> => e.type === type && wanted(e as JarvisEventOf<T>));
}

/** The edge lab and Jarvis with the scenario's configuration, as the hooks of the enclosing `describe` set them up. */
export type DnsScenario = {
  lab: Lab;
  edge(): EdgeLab;
  setup: Setup;
  otlp: OtlpReceiver;
  /** ddclient publishing: a known-good copy is kept and the certificate passes, trusted through tls.extraCaFolders. */
  healthy(): Promise<void>;
  /**
   * ddclient.conf gets a mistyped secret and the record is gone; Caddy restarts without certificates and its first
   * order fails. Resolves with the credential restore's approval request once the policy asks for it.
   */
  breakSecret(): Promise<JarvisEventOf<'ApprovalRequested'>>;
  /** Grants `request` over the HTTP API, naming its digest. */
  grant(request: JarvisEventOf<'ApprovalRequested'>): Promise<void>;
};

/** `extraConfig`: more jarvis.yaml sections, appended to the scenario's. */
export function useDnsScenario(shape: Shape, name: string, extraConfig = ''): DnsScenario {
  let edge: EdgeLab;
  const setup: Setup = { log: '', backups: '', caDir: '', canaries: [] };
  const otlp = new OtlpReceiver();
  const env: NodeJS.ProcessEnv = {};
  const lab = useLab(shape, () => `${scenarioConfig(edge, setup)}${extraConfig}`, {
    env,
    beforeJarvis: async () => {
      edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), `jarvis-${name}-`)) });
      Object.assign(setup, await prepareScenarioFiles(edge, `jarvis-${name}`));
      setup.canaries = plantCanaries(edge);
      await scheduledRun(edge, setup.log);
      await otlp.start();
      Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' });
    },
  });

  after(async () => {
    await otlp.stop();
    await edge?.stop();
  });

  return {
    lab,
    edge: () => edge,
    setup,
    otlp,
    healthy: async () => {
      await lab.explained(SCENARIO_DDCLIENT, lab.reader.waitForEvent('ConfigKnownGoodRecorded', (e) => e.subject === SCENARIO_DDCLIENT, 120_000));
      await waitFor('the certificate to pass its check', async () => (await diagnosed(lab.jarvis, SCENARIO_TLS))?.status === 'ok', 240_000, 5000);
    },
    breakSecret: async () => {
      const host = edge.hosts[0]!;
      const dns = `dns_record:${host}`;
      const since = new Date().toISOString();
      breakSecretInConfig(edge);
      await loseRecordAndRunDdclient(edge, setup.log);
      // Caddy loses its certificates only once the name fails: its retries then meet the missing record.
      await lab.explained(dns, lab.reader.waitForEvent('ConsequenceLinked', (e) => e.subject === dns && e.time >= since, 120_000));
      await restartCaddyUntilOrderFails(edge);
      const wanted = (e: JarvisEventOf<'ApprovalRequested'>) => e.subject === SCENARIO_DDCLIENT && e.data.action === RESTORE_DDCLIENT_CREDENTIALS && e.time >= since;
      return lab.explained(SCENARIO_DDCLIENT, lab.reader.waitForEvent('ApprovalRequested', wanted, 180_000));
    },
    grant: async (request) => {
      const granted = await grantApproval(lab.jarvis, request, 'test');
      assert.equal(granted.status, 202, JSON.stringify(granted.body));
    },
  };
}
