import type { JarvisConfig } from '@jarvis/config';
import type { TargetKindPlugin } from '../../target-kind.js';
import type { DdclientPort } from './ddclient-port.js';
import { DDCLIENT_UPDATE_CHECK } from './ddclient-update-check.js';
import { DdclientUpdateProbe } from './ddclient-update-probe.js';
import { describeFixDdclient, FIX_DDCLIENT, FixDdclient } from './fix-ddclient.js';
import type { ConfigApplyPort } from './config-apply-port.js';
import { describeRestoreDdclientCredentials, RESTORE_DDCLIENT_CREDENTIALS, RestoreDdclientCredentials } from './restore-ddclient-credentials.js';

export type DdclientDependencies = { ddclient: DdclientPort; configEditor: ConfigApplyPort };

/**
 * The dynamic-DNS client under `ddclient:` in jarvis.yaml, probed on a schedule (`infrastructure_validate_ddclient`),
 * healed by a forced update (ddclient skips updates for 5 minutes after a failure). A wrong secret is not healed by
 * it: the action fails with ddclient's reason, and the fallback restores the credentials from the last known-good
 * copy of ddclient.conf through the config editor, with a person's approval.
 */
export function ddclientKind(config: JarvisConfig): TargetKindPlugin<DdclientDependencies> {
  const ddclient = config.ddclient;
  const fix = describeFixDdclient(ddclient);
  const restore = describeRestoreDdclientCredentials(ddclient);
  return {
    kind: 'ddclient',
    checks: [DDCLIENT_UPDATE_CHECK],
    actions: [fix, restore],
    remediation: { [DDCLIENT_UPDATE_CHECK]: FIX_DDCLIENT },
    fallbacks: { [DDCLIENT_UPDATE_CHECK]: [RESTORE_DDCLIENT_CREDENTIALS] },
    createActions: ({ ddclient: port, configEditor }) => [new FixDdclient(ddclient, port), new RestoreDdclientCredentials(ddclient, port, configEditor)],
    createProbes: ({ ddclient: port }) => (ddclient ? [new DdclientUpdateProbe(ddclient, port, config.probes.timeoutSeconds * 1000)] : []),
  };
}
