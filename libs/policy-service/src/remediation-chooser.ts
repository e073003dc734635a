import { ConfigError, type JarvisConfig } from '@jarvis/config';
import type { ChoiceContext, RemediationChoice, RemediationChooser } from '@jarvis/policy';
import { capabilityRegistry, type ActionDescriptor } from '@jarvis/registry';
import type { TargetRef } from '@jarvis/contracts';

/**
 * The capability registry's default remediation per kind and check, with jarvis.yaml's overrides on top, then the
 * kind's fallbacks in order once an action has used up its attempts in the incident. An override naming a check or
 * action the kind does not have stops the start with the entry named.
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
  const choose: RemediationChooser['choose'] = (target, check, context) => firstOffered(registry.remediationsFor(target, check, overrides), target, context);
  return { choose, chooseScheduled };
}

/**
 * The first candidate with attempts left that can be offered now. When none can, the first used-up one, carrying why
 * the others were not offered, so the policy says why nothing more is done; null when every candidate is unavailable.
 */
export function firstOffered(candidates: readonly ActionDescriptor[], target: TargetRef, { attemptsByAction, facts }: ChoiceContext): RemediationChoice | null {
  const notOffered: string[] = [];
  let usedUp: RemediationChoice | null = null;
  for (const descriptor of candidates) {
    const offer = descriptor.offer ? descriptor.offer(target, facts) : { params: descriptor.defaultParams(target) };
    if ('unavailable' in offer) {
      notOffered.push(`${descriptor.name} is not offered: ${offer.unavailable}`);
      continue;
    }
    const choice = choiceOf(descriptor, offer.params);
    const exhausted = descriptor.maxAttemptsPerIncident !== undefined && (attemptsByAction[descriptor.name] ?? 0) >= descriptor.maxAttemptsPerIncident;
    if (!exhausted) return choice;
    usedUp ??= choice;
  }
  return usedUp && notOffered.length > 0 ? { ...usedUp, note: notOffered.join('; ') } : usedUp;
}

function choiceOf({ name: action, risk, maxAttemptsPerIncident }: ActionDescriptor, params: object): RemediationChoice {
  return { action, params: { ...params }, risk, ...(maxAttemptsPerIncident === undefined ? {} : { maxAttemptsPerIncident }) };
}
