import { ConfigError, type JarvisConfig } from '@jarvis/config';
import type { RemediationChooser } from '@jarvis/policy';
import { capabilityRegistry } from '@jarvis/registry';

/**
 * The capability registry's default remediation per kind and check, with jarvis.yaml's overrides on top. An override
 * naming a check or action the kind does not have stops the start with the entry named.
 */
export function remediationChooser(config: JarvisConfig): RemediationChooser {
  const registry = capabilityRegistry(config);
  const overrides = config.remediation.overrides;
  const problems = registry.overrideProblems(overrides);
  if (problems.length > 0) throw new ConfigError('jarvis.yaml', problems);
  const chooseScheduled: RemediationChooser['chooseScheduled'] = ({ action, params }) => {
    const descriptor = registry.descriptor(action);
    return descriptor ? { action, params: { ...params }, risk: descriptor.risk } : null;
  };
  const choose: RemediationChooser['choose'] = (target, check) => {
    const descriptor = registry.remediationFor(target, check, overrides);
    if (!descriptor) return null;
    const { name: action, risk, maxAttemptsPerIncident } = descriptor;
    return { action, params: { ...descriptor.defaultParams(target) }, risk, ...(maxAttemptsPerIncident === undefined ? {} : { maxAttemptsPerIncident }) };
  };
  return { choose, chooseScheduled };
}
