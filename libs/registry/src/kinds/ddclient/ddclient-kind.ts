import type { JarvisConfig } from '@jarvis/config';
import type { TargetKindPlugin } from '../../target-kind.js';
import type { DdclientPort } from './ddclient-port.js';
import { DDCLIENT_UPDATE_CHECK } from './ddclient-update-check.js';
import { DdclientUpdateProbe } from './ddclient-update-probe.js';

export type DdclientDependencies = { ddclient: DdclientPort };

/**
 * The dynamic-DNS client under `ddclient:` in jarvis.yaml, probed on a schedule (`infrastructure_validate_ddclient`).
 * No default remediation yet: a wrong secret is a credential change that goes through the config editor.
 */
export function ddclientKind(config: JarvisConfig): TargetKindPlugin<DdclientDependencies> {
  const ddclient = config.ddclient;
  return {
    kind: 'ddclient',
    checks: [DDCLIENT_UPDATE_CHECK],
    actions: [],
    remediation: {},
    createActions: () => [],
    createProbes: ({ ddclient: port }) => (ddclient ? [new DdclientUpdateProbe(ddclient, port, config.probes.timeoutSeconds * 1000)] : []),
  };
}
