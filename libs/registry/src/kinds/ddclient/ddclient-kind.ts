import type { JarvisConfig } from '@jarvis/config';
import type { TargetKindPlugin } from '../../target-kind.js';
import type { DdclientPort } from './ddclient-port.js';
import { DDCLIENT_UPDATE_CHECK } from './ddclient-update-check.js';
import { DdclientUpdateProbe } from './ddclient-update-probe.js';
import { describeFixDdclient, FIX_DDCLIENT, FixDdclient } from './fix-ddclient.js';

export type DdclientDependencies = { ddclient: DdclientPort };

/**
 * The dynamic-DNS client under `ddclient:` in jarvis.yaml, probed on a schedule (`infrastructure_validate_ddclient`),
 * healed by a forced update (ddclient skips updates for 5 minutes after a failure). A wrong secret is not healed by
 * it: the action fails with ddclient's reason and the credential fix goes through the config editor.
 */
export function ddclientKind(config: JarvisConfig): TargetKindPlugin<DdclientDependencies> {
  const ddclient = config.ddclient;
  const fix = describeFixDdclient(ddclient);
  return {
    kind: 'ddclient',
    checks: [DDCLIENT_UPDATE_CHECK],
    actions: [fix],
    remediation: { [DDCLIENT_UPDATE_CHECK]: FIX_DDCLIENT },
    createActions: ({ ddclient: port }) => [new FixDdclient(ddclient, port)],
    createProbes: ({ ddclient: port }) => (ddclient ? [new DdclientUpdateProbe(ddclient, port, config.probes.timeoutSeconds * 1000)] : []),
  };
}
