import type { JarvisConfig } from '@jarvis/config';
import type { TargetKindPlugin } from '../../target-kind.js';
import type { DdclientPort } from './ddclient-port.js';
import type { ComponentRestartPort } from '../../component-restart/component-restart-port.js';
import { describeRestartComponent, RestartComponent, type RestartSpec } from '../../component-restart/restart-component.js';
import { DDCLIENT_UPDATE_CHECK, judgeDdclient } from './ddclient-update-check.js';
import { DdclientUpdateProbe } from './ddclient-update-probe.js';
import { describeFixDdclient, FIX_DDCLIENT, FixDdclient } from './fix-ddclient.js';
import type { ConfigApplyPort } from './config-apply-port.js';
import { describeRestoreDdclientCredentials, RESTORE_DDCLIENT_CREDENTIALS, RestoreDdclientCredentials } from './restore-ddclient-credentials.js';

export type DdclientDependencies = { ddclient: DdclientPort; configEditor: ConfigApplyPort; restarts: ComponentRestartPort };

export const RESTART_DDCLIENT = 'restart_ddclient';

/** Room for a container's or unit's restart (Docker waits 10 s for a graceful stop) and the check around it. */
const RESTART_DEADLINE_MS = 60_000;

/**
 * The dynamic-DNS client under `ddclient:` in jarvis.yaml, probed on a schedule (`infrastructure_validate_ddclient`),
 * healed by a forced update (ddclient skips updates for 5 minutes after a failure). A wrong secret is not healed by
 * it: the action fails with ddclient's reason, and the fallback restores the credentials from the last known-good
 * copy of ddclient.conf through the config editor, with a person's approval; last, a restart of ddclient's container
 * or unit when jarvis.yaml says how it runs (`runsAs`).
 */
export function ddclientKind(config: JarvisConfig): TargetKindPlugin<DdclientDependencies> {
  const ddclient = config.ddclient;
  const fix = describeFixDdclient(ddclient);
  const restore = describeRestoreDdclientCredentials(ddclient);
  const restartSpec = (port?: DdclientPort): RestartSpec => ({
    name: RESTART_DDCLIENT,
    kind: 'ddclient',
    runsAs: (target) => (ddclient?.name === target.id ? ddclient.runsAs : undefined),
    check: async (_target, signal) => {
      if (!ddclient || !port) throw new Error('no ddclient is configured');
      return judgeDdclient(await port.inspect(ddclient, signal));
    },
    deadlineMs: RESTART_DEADLINE_MS,
  });
  return {
    kind: 'ddclient',
    checks: [DDCLIENT_UPDATE_CHECK],
    actions: [fix, restore, describeRestartComponent(restartSpec())],
    remediation: { [DDCLIENT_UPDATE_CHECK]: FIX_DDCLIENT },
    fallbacks: { [DDCLIENT_UPDATE_CHECK]: [RESTORE_DDCLIENT_CREDENTIALS, RESTART_DDCLIENT] },
    createActions: ({ ddclient: port, configEditor, restarts }) => [
      new FixDdclient(ddclient, port),
      new RestoreDdclientCredentials(ddclient, port, configEditor),
      new RestartComponent(restartSpec(port), restarts),
    ],
    createProbes: ({ ddclient: port }) => (ddclient ? [new DdclientUpdateProbe(ddclient, port, config.probes.timeoutSeconds * 1000)] : []),
  };
}
